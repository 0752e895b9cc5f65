"""The client's translations of refusal codes, checked in node (the modules need no DOM)."""

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

I18N = Path(__file__).resolve().parents[2] / "services/gateway/web/lib/i18n.js"
CODE_KEY = re.compile(r"^    (code_\w+):", re.MULTILINE)


def run_module(script: str) -> Any:
    """The JSON that `script` prints, run as an ES module beside the client's i18n module."""
    node = shutil.which("node")
    assert node, "node is needed for the client's module checks (deploy/setup.sh installs npm)"
    source = f'import * as i18n from "{I18N.as_uri()}";\n{script}'
    done = subprocess.run(
        [node, "--input-type=module", "-e", source],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(done.stdout)


def test_every_code_is_translated_in_both_languages_and_unknown_ones_fall_back() -> None:
    found = run_module(
        """
        const texts = (lang) => {
          i18n.setLang(lang);
          return i18n.errorText("attachment_empty", "fallback");
        };
        const unknown = i18n.errorText("a_code_from_a_newer_server", "The server's own text.");
        console.log(JSON.stringify({ pl: texts("pl"), en: texts("en"), unknown }));
        """
    )
    assert found == {
        "pl": "Dołączony plik jest pusty.",
        "en": "The attached file is empty.",
        "unknown": "The server's own text.",
    }
    # The words of each language are `    key: "text",` lines; a code's key is code_<code>.
    polish, english = I18N.read_text().split("\n  en: {\n")
    codes, codes_en = (set(CODE_KEY.findall(words)) for words in (polish, english))
    assert codes == codes_en and len(codes) > 20


def test_sizes_use_the_languages_decimal_sign() -> None:
    found = run_module(
        """
        const size = (lang) => (i18n.setLang(lang), i18n.formatSize(26948403));
        console.log(JSON.stringify([size("pl"), size("en")]));
        """
    )
    assert found == ["25,7 MB", "25.7 MB"]
