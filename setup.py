"""Build hook: the wheel carries the sample county that `pbm demo` runs on.

All other configuration is in pyproject.toml.  The sample data stays in the top-level
examples/ folder (the generator, its README and the tests use it there); building the wheel
copies the files the demo reads into pbmcli/examples/ of the package, where
pbmcli.demo.find_examples looks first.  Editable installs copy nothing and read examples/ of
the source checkout instead.

Included: units.xlsx, rectification.xlsx, execution/, monitor/ and submissions/ (with its
deliberately messy files: the lock file, the zip, the .docx, the .txt).  Left out, because the
demo does not read them: generate_examples.py, planted.json, README.md, local-pack.toml.
MANIFEST.in puts the whole examples/ folder in the sdist, so a wheel built from the sdist
carries the same files.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

EXAMPLES = Path("examples")
DEMO_FILES = ("units.xlsx", "rectification.xlsx", "execution/*", "monitor/**/*", "submissions/**/*")


class BuildPyWithExamples(build_py):
    """build_py that also copies the demo's sample data into pbmcli/examples/."""

    def build_package_data(self) -> None:
        super().build_package_data()
        files = sorted({f for pattern in DEMO_FILES for f in EXAMPLES.glob(pattern) if f.is_file()})
        if not any(f.parts[1] == "submissions" for f in files):
            raise FileNotFoundError("examples/submissions/ not found: the wheel would have no demo data")
        for source in files:
            target = Path(self.build_lib, "pbmcli", "examples", source.relative_to(EXAMPLES))
            self.mkpath(str(target.parent))
            self.copy_file(str(source), str(target))


setup(cmdclass={"build_py": BuildPyWithExamples})
