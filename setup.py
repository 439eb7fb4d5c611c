"""The build step pyproject.toml cannot declare: compiling the message catalogues.

Each ``locale/*/LC_MESSAGES/*.po`` catalogue is compiled to its ``.mo`` with Babel: next to the
``.po`` for an editable install (the package runs from src/), into the build directory otherwise.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

SOURCES = Path(__file__).resolve().parent / "src"


class build_py_catalogues(build_py):
    """build_py that also compiles the gettext catalogues (.po -> .mo)."""

    def run(self):
        super().run()
        for po, mo in self._catalogues():
            with po.open("rb") as entree:
                catalogue = read_po(entree)
            mo.parent.mkdir(parents=True, exist_ok=True)
            with mo.open("wb") as sortie:
                write_mo(sortie, catalogue)

    def _catalogues(self):
        cible = SOURCES if self.editable_mode else Path(self.build_lib)
        for po in sorted(SOURCES.glob("dossier/locale/*/LC_MESSAGES/*.po")):
            yield po, cible / po.relative_to(SOURCES).with_suffix(".mo")

    def get_outputs(self, include_bytecode=True):
        return [*super().get_outputs(include_bytecode), *(str(mo) for _, mo in self._catalogues())]

    def get_output_mapping(self):
        return {**super().get_output_mapping(), **{str(mo): str(po) for po, mo in self._catalogues()}}


setup(cmdclass={"build_py": build_py_catalogues})
