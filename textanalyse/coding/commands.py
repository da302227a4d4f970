"""CLI commands of assisted coding: ``code-sheet``, ``code`` and ``agreement`` (registered by cli.py)."""

from __future__ import annotations

import click

SEP = "\u2009"  # thin space between a figure and its interval in terminal lines


def register(main, cli) -> None:
    """Add the commands to the ``main`` click group; ``cli`` is textanalyse.cli (its shared helpers)."""

    @main.command("code-sheet")
    @cli.input_options
    @click.option("--codebook", metavar="FILE", help="Codebook YAML (default: the shipped one).")
    @click.option("--n", "n", default=150, show_default=True, type=int, help="Number of segments to draw.")
    @click.option("--group-by", "group_by", multiple=True, metavar="COL",
                  help="Stratify by this metadata column as well as by question (repeatable); shown in the sheet.")
    @click.option("--seed", default=1, show_default=True, type=int, help="Random seed of the sample.")
    @click.option("--round", "round_number", default=1, show_default=True, type=int,
                  help="2 or more: the segments the model is least sure of (needs --human).")
    @click.option("--human", multiple=True, metavar="FILE",
                  help="Round 2+: the sheets coded so far (repeatable); their segments are never drawn again.")
    @click.option("--out", required=True, help="The sheet to write: FILE.xlsx (with instructions) or FILE.csv.")
    @cli.handle_errors
    def code_sheet(**params):
        """Write a blind coding sheet: a stratified random sample of segments, one column per theme.

        \b
        Example:
            textanalyse code-sheet svar.csv --text-col fungerer_bra --text-col forslag --id-col respondent_id \\
                --group-by aldersgruppe --n 150 --out koding.xlsx
            textanalyse code-sheet svar.csv --text-col fungerer_bra --id-col respondent_id \\
                --round 2 --human koding.xlsx --n 50 --out koding_runde2.xlsx
        """
        from textanalyse.api import load_material
        from textanalyse.coding.assisted import code_sheet as write_code_sheet
        from textanalyse.themes import load_codebook

        keys = ("codebook", "n", "group_by", "seed", "round_number", "human", "out")
        options = {key: params.pop(key) for key in keys}
        inputs = cli.build_inputs(params)
        codebook = load_codebook(options.pop("codebook"))
        out = options.pop("out")
        with cli.progress("Annoterer") as on_progress:
            material = load_material(inputs, on_progress=on_progress)
        sample = write_code_sheet(material, out, codebook=codebook, **options)
        click.echo(f"wrote {len(sample)} segments and {len(codebook.themes)} theme columns to {out}", err=True)

    @main.command("code")
    @cli.input_options
    @click.option("--codebook", metavar="FILE", help="Codebook YAML (default: the shipped one).")
    @click.option("--human", multiple=True, required=True, metavar="FILE",
                  help="The filled-in coding sheet(s) (.xlsx/.csv, or a .qdpx coded in NVivo/MAXQDA/ATLAS.ti "
                       "from export-qdpx; repeat for round 2 …).")
    @click.option("--seed", default=0, show_default=True, type=int, help="Seed of the cross-validation folds.")
    @click.option("--out", required=True, callback=cli.table_path, help="Every coded segment: FILE.csv/.xlsx.")
    @click.option("--agreement-out", metavar="FILE", callback=cli.table_path,
                  help="Machine-against-human agreement per theme (cross-validated): FILE.csv/.xlsx.")
    @click.option("--review-out", metavar="FILE", callback=cli.table_path,
                  help="Segments near a threshold, til manuell vurdering: FILE.csv/.xlsx.")
    @click.option("--suggestions-out", metavar="FILE", callback=cli.table_path,
                  help="Suggested codebook patterns (lemmas the codebook missed): FILE.csv/.xlsx.")
    @cli.handle_errors
    def code(**params):
        """Learn the coding in the filled-in sheet and code every segment; report agreement with the coder.

        \b
        Example:
            textanalyse code svar.csv --text-col fungerer_bra --text-col forslag --id-col respondent_id \\
                --human koding.xlsx --out kodet.csv --agreement-out samsvar.csv --review-out vurder.csv
        """
        from textanalyse.api import load_material, write_table
        from textanalyse.coding.assisted import assisted_coding
        from textanalyse.themes import load_codebook

        keys = ("codebook", "human", "seed", "out", "agreement_out", "review_out", "suggestions_out")
        options = {key: params.pop(key) for key in keys}
        inputs = cli.build_inputs(params)
        codebook = load_codebook(options["codebook"])
        with cli.progress("Annoterer") as on_progress:
            material = load_material(inputs, on_progress=on_progress)
        result = assisted_coding(material, codebook=codebook, human=options["human"], seed=options["seed"])
        write_table(result.coded, options["out"], sheet_name="koding")
        for key, table, name in (("agreement_out", result.agreement, "samsvar"), ("review_out", result.review, "vurdering"),
                                 ("suggestions_out", result.suggestions, "forslag")):
            if options[key]:
                write_table(table, options[key], sheet_name=name)
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        pooled = result.agreement.iloc[-1]
        click.echo(f"{result.n_human} segments coded by hand ({result.n_random} random), "
                   f"{result.n_segments - result.n_human} coded by the model; "
                   f"{result.review[['doc_id', 'segment']].drop_duplicates().shape[0]} til manuell vurdering", err=True)
        click.echo(f"agreement with the coder (cross-validated, all themes): kappa {_ci(pooled, 'kappa')}, "
                   f"alpha {_ci(pooled, 'alpha')}, AC1 {_ci(pooled, 'ac1')}, F1 {_ci(pooled, 'f1')}", err=True)
        if len(result.suggestions):
            words = result.suggestions.groupby("theme", sort=False)["lemma"].agg(lambda w: ", ".join(w.head(5)))
            click.echo("suggested codebook patterns (words the codebook missed in your coding): "
                       + "; ".join(f"{theme}: {lemmas}" for theme, lemmas in words.items()), err=True)
        click.echo(f"wrote {len(result.coded)} rows to {options['out']}", err=True)
        cli.show_table(result.agreement[["theme", "n", "coded_a", "coded_b", "percent_agreement", "kappa", "alpha",
                                         "ac1", "f1"]].rename(columns={"coded_a": "human", "coded_b": "model"}),
                       title="Samsvar maskin mot menneske (kryssvalidert)")

    @main.command("agreement")
    @click.argument("sheet_a", type=click.Path(path_type=str))
    @click.argument("sheet_b", type=click.Path(path_type=str))
    @click.option("--codebook", metavar="FILE", help="Check the theme columns against this codebook.")
    @click.option("--out", callback=cli.table_path, help="Agreement per theme and pooled: FILE.csv/.xlsx.")
    @click.option("--disagreements", "disagreements_out", metavar="FILE", callback=cli.table_path,
                  help="Every segment and theme the coders disagree on, for the coders' meeting: FILE.csv/.xlsx.")
    @cli.handle_errors
    def agreement(**params):
        """Agreement between two coders' sheets (matched on doc_id and segment): kappa, alpha, AC1 ….

        \b
        Example:
            textanalyse agreement koding_anne.xlsx koding_per.xlsx --out samsvar.csv --disagreements uenighet.xlsx
        """
        from textanalyse.api import write_table
        from textanalyse.coding.assisted import coder_agreement
        from textanalyse.themes import load_codebook

        themes = load_codebook(params["codebook"]).theme_names if params["codebook"] else None
        table, differ, info = coder_agreement(params["sheet_a"], params["sheet_b"], themes=themes)
        click.echo(f"{info['matched']} segments in both sheets"
                   + (f"; {info['only_a']} only in the first and {info['only_b']} only in the second (left out)"
                      if info["only_a"] or info["only_b"] else ""), err=True)
        for side, names in (("first", info["themes_only_a"]), ("second", info["themes_only_b"])):
            if names:
                click.echo(f"warning: theme column(s) only in the {side} sheet, left out: {', '.join(names)}", err=True)
        if params["disagreements_out"]:
            write_table(differ, params["disagreements_out"], sheet_name="uenighet")
            click.echo(f"wrote {len(differ)} disagreements to {params['disagreements_out']}", err=True)
        cli.emit(table, params["out"], title="Samsvar mellom to kodere", sheet_name="samsvar")


def _ci(row, name: str) -> str:
    value, low, high = row[name], row[f"{name}_low"], row[f"{name}_high"]
    if value != value:  # NaN
        return "–"
    interval = f" [{low:.2f}–{high:.2f}]" if low == low and high == high else ""
    return f"{value:.2f}{interval}"
