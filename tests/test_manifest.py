"""The manifest records every file that changes the counts (issue 12, defect 6)."""

import hashlib

from textanalyse.config import load_config
from textanalyse.run import build_manifest


def test_manifest_hashes_the_variants_file(tmp_path):
    (tmp_path / "svar.csv").write_text("id;bra\n1;God hjelp\n", encoding="utf-8")
    variants = tmp_path / "varianter.csv"
    variants.write_text("variant,word\nmail,e-post\n", encoding="utf-8")
    (tmp_path / "analyse.toml").write_text('[filters]\nvariants = "varianter.csv"\n'
                                           '[[material]]\nsurvey = "svar.csv"\ntext_columns = ["bra"]\n',
                                           encoding="utf-8")
    manifest = build_manifest(load_config(tmp_path / "analyse.toml"), [], {})
    assert manifest["variants"] == {"path": str(variants.resolve()),
                                    "sha256": hashlib.sha256(variants.read_bytes()).hexdigest()}
