"""The package's version: a leaf module, so that any module can name it without importing the
package (which would make an import cycle)."""

__version__ = "0.1.0"

__all__ = ["__version__"]
