"""The ``foedus`` command line: a thin layer over the public Python functions.

Each command group lives in its own module and registers itself on :data:`main`.
"""

from __future__ import annotations

import click

from foedus import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="foedus")
def main() -> None:
    """foedus: a laboratory for collective security.

    Define institutions as charters, evaluate votes and voting power, simulate crises and
    many-year worlds, replay history and ask "what if".
    """


def _register() -> None:
    from . import _cases, _data, _experiments, _institutions, _simulation

    for module in (_institutions, _simulation, _cases, _data, _experiments):
        module.register(main)


_register()
from ._app import register as _register_app; _register_app(main)  # noqa: E402, E702, I001
from ._validation import register as _register_validation; _register_validation(main)  # noqa: E402, E702, I001
