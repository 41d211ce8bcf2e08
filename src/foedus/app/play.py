"""Page 5, play a state: the student takes one state, the model plays every other.

Historical mode (a Council member in Korea 1950, or any named voter of a case): at each
decision the page shows what the state knew, from the case file and the behavioural model's
reading of it (``foedus.predict``: belief, alignment, fear), and the rule with its article; the
other members vote as the model predicts; ``foedus.replay`` gives the outcomes. Synthetic mode:
a seeded crisis (``foedus.generate_world``, ``foedus.run_crisis``), played again by the
engine with the student's vote and contribution (``run_crisis(choices=...)``).
The same seed gives the same scenario, so a whole class plays the same crisis.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from dash import Input, Output, State, dcc, html, no_update

import foedus

from . import ui

SUMMARY = "take one state in a real or seeded crisis; the model plays the others"
VOTES = ("yes", "no", "abstain", "absent")
CONTRIBUTIONS = {"none": "nothing", "sanctions": "sanctions", "force": "armed forces",
                 "both": "sanctions and armed forces"}
BOUNDS = {"n_states": (10, 80), "seed": (0, 2**31 - 1)}
__all__ = ["SUMMARY", "historical_decisions", "historical_result", "layout", "register",
           "synthetic_result", "synthetic_scenario"]


# -- historical ------------------------------------------------------------------------------


def named_voters(case_id: str) -> list[str]:
    """States that vote by name in at least one decision of the case."""
    rp = foedus.replay(case_id)
    return list(dict.fromkeys(s for d in rp.decisions for s in d.votes))


def historical_decisions(case_id: str, state: str) -> list[str]:
    """Ids of the decisions where ``state`` votes by name (those the student plays)."""
    return [d.id for d in foedus.replay(case_id).decisions if state in d.votes]


def _predictions(case_id: str) -> dict[tuple[str, str], Any]:
    p = foedus.predict(case_id)
    return {(v.decision, v.state): v for d in p.decisions for v in d.votes}


def historical_brief(case_id: str, state: str, decision: str) -> list[Any]:
    """What ``state`` knows at ``decision``: the attack, its belief, interests, obligations."""
    case = foedus.load_case(case_id)
    d = case.decision(decision)
    dr = next(x for x in foedus.replay(case_id).decisions if x.id == decision)
    parties = d.parties or case.parties
    preds = _predictions(case_id)
    pred = preds.get((decision, state)) or next(
        (v for (_, st), v in preds.items() if st == state), None)  # absent on the record
    name = foedus.state_info(state).name
    know = [html.H2(f"{name} ({state}) — {d.document}, {d.date:%d %B %Y}"),
            html.P([html.B("The question: "), d.title]),
            html.P([html.B("The attack: "), f"{', '.join(parties.aggressor) or 'unknown'} "
                    f"against {', '.join(parties.target)}"
                    + (" (the accused claims self-defence)" if parties.self_defence_claim else "")])]
    if pred is not None:
        know.append(html.P([html.B("Your belief that the accused is the aggressor: "),
                            f"{pred.belief:.2f}"]))
        know.append(html.P([html.B("Your interests: "),
                            f"alignment {pred.alignment}; affinity to the target "
                            f"{pred.affinity_target:+.1f}, to the accused "
                            f"{pred.affinity_aggressor:+.1f}; fear of the accused {pred.fear:.1f}"
                            " (coded in the case file; see its alignment note)"]))
    know.append(html.P([html.B("The rule and your obligations: "), dr.rule, " — ", html.I(dr.article),
                        f". Measure: {d.measure or 'not stated'}"
                        + (f", {d.bindingness}" if d.bindingness else "")]))
    if case.alignment_note:
        know.append(html.P(case.alignment_note, className="muted"))
    return know


def _changes(case_id: str, state: str, mine: dict[str, str]) -> list[str]:
    out = [f"{dec}:{st}={v.predicted}" for (dec, st), v in _predictions(case_id).items()
           if st != state]
    return out + [f"{dec}:{state}={vote}" for dec, vote in mine.items()]


def historical_result(case_id: str, state: str, answers: dict[str, str]) -> list[dict[str, Any]]:
    """Per decision: your vote, the model's vote in your place, the record; the outcome with
    the model playing the others and you, with the model in your place, and on record."""
    preds = _predictions(case_id)
    base = {d.id: d for d in foedus.replay(case_id).decisions}
    model_votes = {dec: (preds[(dec, state)].predicted if (dec, state) in preds
                         else base[dec].votes.get(state, "absent")) for dec in answers}
    yours = foedus.replay(case_id, changes=_changes(case_id, state, answers))
    model = foedus.replay(case_id, changes=_changes(case_id, state, model_votes))
    m = {d.id: d for d in model.decisions}
    return [{"decision": d.id, "your vote": answers.get(d.id, "—"),
             "model's vote for you": model_votes.get(d.id, "—"),
             "recorded vote": base[d.id].votes.get(state, "—"),
             "outcome with you": d.computed, "outcome with the model": m[d.id].computed,
             "recorded outcome": d.recorded,
             "differs": "yes" if d.computed != m[d.id].computed else ""}
            for d in yours.decisions]


# -- synthetic -------------------------------------------------------------------------------


def synthetic_scenario(seed: int, n_states: int, charter: str) -> dict[str, Any]:
    """A seeded crisis: the world, the aggressor (weighted by revisionism) and its target
    (weighted by nearness); the same seed gives the same scenario."""
    world = foedus.generate_world(n_states, rng=seed)
    gen = np.random.default_rng([seed, 1])
    rev = np.asarray(world.revisionism, float)
    a = int(gen.choice(world.n, p=rev / rev.sum()))
    near = 1.0 / (np.asarray(world.distance[a], float) + 500.0)
    near[a] = 0.0
    t = int(gen.choice(world.n, p=near / near.sum()))
    return {"seed": seed, "n": n_states, "charter": charter, "aggressor": world.codes[a],
            "target": world.codes[t]}


def _crisis(sc: dict[str, Any], choices: dict[str, dict[str, Any]] | None = None
            ) -> tuple[Any, Any, Any]:
    """The scenario's crisis, played by the engine; ``choices`` fixes a player's vote and
    contribution (``run_crisis(choices=...)``: every other state meets the same crisis)."""
    world = foedus.generate_world(sc["n"], rng=sc["seed"])
    inst = foedus.engine.Institution.in_world(sc["charter"], world, np.random.default_rng([sc["seed"], 2]))
    res = foedus.run_crisis(world.copy(), sc["charter"], sc["aggressor"], sc["target"],
                            rng=np.random.default_rng([sc["seed"], 3]), institution=inst,
                            choices=choices)
    return world, inst, res


def synthetic_brief(sc: dict[str, Any], state: str) -> list[Any]:
    """What ``state`` knows before it decides (not the outcome)."""
    world, inst, res = _crisis(sc)
    i, a, t = world.index(state), world.index(sc["aggressor"]), world.index(sc["target"])
    rho = res.ambiguity
    belief = min(1.0, max(0.0, 1 - rho / 2 + rho * (world.affinity[i, t] - world.affinity[i, a]) / 2))
    ch = foedus.load_charter(sc["charter"])
    seats = [b for b in ch.bodies if i in set(int(x) for x in inst.seats.get(b.id, []))]
    steps = [html.Li(f"{s.measure}: {s.body or 'no vote'} ({s.bindingness}) — {s.article}")
             for s in ch.procedure]
    pact = bool(int(world.alliances[i, t]) & foedus.world.DEFENCE)
    return [html.H2(f"You are {state} in a world of {world.n} states (seed {sc['seed']})"),
            html.P([html.B("The attack: "), f"{sc['aggressor']} attacks {sc['target']}"
                    + (" and claims self-defence" if res.claimed_self_defence else "")]),
            html.P([html.B("Your belief that it is the aggressor: "),
                    f"{belief:.2f} (ambiguity {rho:.2f}; docs/crisis.md §2, without noise)"]),
            html.P([html.B("Your interests: "),
                    f"affinity to {sc['target']} {world.affinity[i, t]:+.2f}, to "
                    f"{sc['aggressor']} {world.affinity[i, a]:+.2f}; defence pact with the target: "
                    f"{'yes' if pact else 'no'}; your capability {world.capability[i]:.3f} against "
                    f"{sc['aggressor']}'s {world.capability[a]:.3f}"]),
            html.P([html.B(f"Your institution ({ch.name}): "),
                    "member" if inst.members[i] else "not a member",
                    "; seat on " + ", ".join(b.name for b in seats) if seats else
                    "; no seat on a deciding body"]),
            html.B("Its procedure, with the articles that oblige you:"), html.Ul(steps)]


def _status(res: Any, step: str) -> str:
    return next((str(x["status"]) for x in res.steps if x["id"] == step), "not reached")


def synthetic_result(sc: dict[str, Any], state: str, vote: str, contribution: str) -> dict[str, Any]:
    """The crisis played twice by the engine: with the model in your place and with your
    choices (``run_crisis(choices=...)``), everything else the same."""
    _world, _inst, res = _crisis(sc)
    choice = {"vote": vote, "sanction": contribution in ("sanctions", "both"),
              "force": contribution in ("force", "both")}
    _, _, yours = _crisis(sc, {state: choice})
    rows = [{"step": step, "your vote": vote, "model's vote for you": votes[state],
             "outcome with you": _status(yours, step), "outcome with the model": _status(res, step),
             "differs": "yes" if _status(yours, step) != _status(res, step) else "",
             "reason": next((e.text for e in yours.trace if e.step == step), "")}
            for step, votes in res.votes.items() if state in votes]
    model_force, model_sanctions = state in res.contributors, state in res.sanctioners
    model_c = ("both" if model_force and model_sanctions else "force" if model_force
               else "sanctions" if model_sanctions else "none")
    return {"votes": rows, "model_contribution": model_c, "your_contribution": contribution,
            "p_model": res.p_defender_win if res.war else 0.0,
            "p_you": yours.p_defender_win if yours.war else 0.0,
            "trace": yours.text(), "aggressor_won": yours.aggressor_won,
            "model_aggressor_won": res.aggressor_won}


# -- page ------------------------------------------------------------------------------------


def layout(cfg: Any) -> html.Div:
    """The page."""
    cases = foedus.builtin_case_ids()
    setup = html.Div([
        ui.field("Scenario", dcc.RadioItems([{"label": "a historical case", "value": "case"},
                                             {"label": "a seeded synthetic crisis",
                                              "value": "synthetic"}], "case", id="play-mode")),
        ui.field("Case", dcc.Dropdown(ui.options(cases), "korea-1950", id="play-case",
                                      clearable=False)),
        ui.field("Seed (same seed, same crisis for the whole class)",
                 dcc.Input(id="play-seed", type="number", value=7, min=0)),
        ui.field("States (synthetic)", dcc.Input(id="play-n", type="number", value=30,
                                                 min=BOUNDS["n_states"][0],
                                                 max=BOUNDS["n_states"][1])),
        ui.field("Institution (synthetic)", dcc.Dropdown(ui.options(foedus.builtin_charter_ids()),
                                                         "un-1965", id="play-charter",
                                                         clearable=False)),
        ui.field("Your state", dcc.Dropdown(id="play-state", clearable=False)),
        html.Div(html.Button("Start", id="play-start"), className="buttons"),
    ], className="controls")
    turn = html.Div([
        html.Div(id="play-brief"),
        ui.field("Your vote", dcc.RadioItems(ui.options(VOTES), "yes", id="play-vote",
                                             inline=True)),
        ui.field("Your contribution", dcc.RadioItems(ui.options(CONTRIBUTIONS, CONTRIBUTIONS),
                                                     "none", id="play-contribution", inline=True)),
        html.Div(html.Button("Decide", id="play-decide"), className="buttons"),
    ], id="play-turn", style={"display": "none"})
    return ui.page("page-play", "Play a state",
                   "Take one state. At each decision you see what it knows: the attack, its "
                   "belief about the aggressor, its interests and its obligations with their "
                   "articles. You vote and decide what to contribute; the model plays every "
                   "other state. At the end you see what the model would have done in your "
                   "place and how the outcome would differ.",
                   setup, turn, html.Div(id="play-end"), dcc.Store(id="play-game"))


def register(app: Any, cfg: Any, jobs: Any) -> None:
    """The page's callbacks."""

    @app.callback(Output("play-state", "options"), Output("play-state", "value"),
                  Input("play-mode", "value"), Input("play-case", "value"),
                  Input("play-seed", "value"), Input("play-n", "value"),
                  Input("play-charter", "value"))
    def states(mode: str, case_id: str, seed: Any, n: Any, charter: str) -> tuple[Any, Any]:
        return state_options(mode, case_id, seed, n, charter)

    @app.callback(Output("play-game", "data"), Input("play-start", "n_clicks"),
                  Input("play-decide", "n_clicks"), State("play-game", "data"),
                  State("play-mode", "value"), State("play-case", "value"),
                  State("play-seed", "value"), State("play-n", "value"),
                  State("play-charter", "value"), State("play-state", "value"),
                  State("play-vote", "value"), State("play-contribution", "value"),
                  prevent_initial_call=True)
    def advance(_s: Any, _d: Any, game: Any, mode: str, case_id: str, seed: Any, n: Any,
                charter: str, state: str, vote: str, contribution: str) -> Any:
        from dash import ctx

        if ctx.triggered_id == "play-start":
            return start_game(mode, case_id, seed, n, charter, state)
        return decide(game, vote, contribution) if game else no_update

    @app.callback(Output("play-brief", "children"), Output("play-turn", "style"),
                  Output("play-end", "children"), Input("play-game", "data"))
    def show(game: Any) -> tuple[Any, Any, Any]:
        return show_game(game)


def state_options(mode: str, case_id: str, seed: Any, n: Any,
                  charter: str) -> tuple[list[dict[str, str]], str | None]:
    """The states the student may take, and a default (a Council member where there is one)."""
    if mode == "case" and case_id in foedus.builtin_case_ids():
        voters = named_voters(case_id)
        default = "RUS" if "RUS" in voters else (voters[0] if voters else None)
        return ui.options(voters), default
    if charter not in foedus.builtin_charter_ids():
        return [], None
    sc = synthetic_scenario(ui.bounded_int(seed, *BOUNDS["seed"], 7),
                            ui.bounded_int(n, *BOUNDS["n_states"], 30), charter)
    world = foedus.generate_world(sc["n"], rng=sc["seed"])
    codes = [c for c in world.codes if c not in (sc["aggressor"], sc["target"])]
    return ui.options(codes), codes[0]


def start_game(mode: str, case_id: str, seed: Any, n: Any, charter: str,
               state: str | None) -> dict[str, Any] | None:
    """A new game (validated: unknown cases, charters or states start nothing)."""
    if mode == "case":
        if case_id not in foedus.builtin_case_ids() or state not in named_voters(case_id):
            return None
        return {"mode": "case", "case": case_id, "state": state,
                "steps": historical_decisions(case_id, state), "answers": {}, "contrib": {}}
    if charter not in foedus.builtin_charter_ids():
        return None
    sc = synthetic_scenario(ui.bounded_int(seed, *BOUNDS["seed"], 7),
                            ui.bounded_int(n, *BOUNDS["n_states"], 30), charter)
    world = foedus.generate_world(sc["n"], rng=sc["seed"])
    if state not in world.codes or state in (sc["aggressor"], sc["target"]):
        return None
    return {"mode": "synthetic", "scenario": sc, "state": state, "steps": ["crisis"],
            "answers": {}, "contrib": {}}


def decide(game: dict[str, Any], vote: str, contribution: str) -> dict[str, Any]:
    """Record the answer to the current step and move on."""
    game = dict(game)
    done = len(game["answers"])
    if done >= len(game["steps"]):
        return game
    step = game["steps"][done]
    game["answers"] = {**game["answers"], step: vote if vote in VOTES else "abstain"}
    game["contrib"] = {**game["contrib"],
                       step: contribution if contribution in CONTRIBUTIONS else "none"}
    return game


def show_game(game: dict[str, Any] | None) -> tuple[Any, Any, Any]:
    """The brief for the current step, or the end of the game."""
    hidden, shown = {"display": "none"}, {"display": "block"}
    if not game:
        return [], hidden, []
    done = len(game["answers"])
    if done < len(game["steps"]):
        step = game["steps"][done]
        head = html.P(f"Decision {done + 1} of {len(game['steps'])}", className="muted")
        brief = (historical_brief(game["case"], game["state"], step) if game["mode"] == "case"
                 else synthetic_brief(game["scenario"], game["state"]))
        return [head, *brief], shown, []
    return [], hidden, end_view(game)


def end_view(game: dict[str, Any]) -> list[Any]:
    """The end of the game: your choices against the model's, and what changed."""
    head = html.H2("The end: you and the model", id="play-done")
    if game["mode"] == "case":
        rows = historical_result(game["case"], game["state"], game["answers"])
        note = html.P("Contributions are not modelled for historical cases (the case files "
                      "record votes, not each member's forces); yours: "
                      + ", ".join(f"{k}: {CONTRIBUTIONS[v]}" for k, v in game["contrib"].items()),
                      className="muted")
        return [head, _table(rows), note]
    out = synthetic_result(game["scenario"], game["state"], game["answers"]["crisis"],
                           game["contrib"]["crisis"])
    return [head, _table(out["votes"]) if out["votes"] else
            html.P("You held no seat on a deciding body: your vote was not counted."),
            html.P([html.B("Contribution: "), f"you: {CONTRIBUTIONS[out['your_contribution']]}; "
                    f"the model in your place: {CONTRIBUTIONS[out['model_contribution']]}."]),
            html.P([html.B("Chance that the defenders win: "),
                    f"with the model's choice {out['p_model']:.2f}, with yours "
                    f"{out['p_you']:.2f} (the engine played the crisis again with your vote "
                    "and contribution; every other state faced the same crisis)."]),
            html.Details([html.Summary("The crisis with your choices (trace)"),
                          html.Pre(out["trace"])])]


def _table(rows: list[dict[str, Any]]) -> Any:
    return ui.table(rows, "play-table", highlight="differs")
