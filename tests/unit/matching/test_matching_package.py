"""api.matching is pure code: it runs without the web stack, the ORM or PyTorch."""
import subprocess
import sys

from tests.support import ROOT

FORBIDDEN = ("flask", "peewee", "marshmallow", "torch", "transformers", "sklearn")


def test_matching_imports_neither_the_web_stack_nor_the_orm_nor_pytorch():
    script = (
        "import sys\n"
        "from api.matching import Claim, Matcher\n"
        "Matcher([Claim('c1', 'Cats hide in wheel wells.')]).match('cats in wheel wells')\n"
        f"print(','.join(m for m in {FORBIDDEN!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
