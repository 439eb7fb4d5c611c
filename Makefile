# dossier — deux commandes suffisent : `make demo` puis `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EXEMPLE := examples/normandie-2023-acquisition.json
APT_PAQUETS := libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-dejavu

.PHONY: demo test test-rapide install libreoffice schema bench bench-echelle clean

$(BIN)/dossier: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/dossier

# LibreOffice : conversion PDF (render --pdf) et recalcul des formules dans les tests.
libreoffice:
	@command -v soffice >/dev/null 2>&1 || { \
	  echo "Installation de LibreOffice ($(APT_PAQUETS))"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(APT_PAQUETS) >/dev/null; }

demo: install libreoffice
	$(BIN)/dossier validate $(EXEMPLE)
	$(BIN)/dossier check $(EXEMPLE)
	$(BIN)/dossier financement $(EXEMPLE)
	$(BIN)/dossier render $(EXEMPLE) -o out --force --pdf
	@echo "--- Dossier de dépôt : pièces présentes et pièces que le porteur doit encore ajouter ---"
	-$(BIN)/dossier checklist out --projet $(EXEMPLE)
	@echo "--- Profil national cnsa-2023 (exemple outre-mer) : le RIB reste à fournir par le porteur ---"
	$(BIN)/dossier render examples/outre-mer-8-essms.json -o out/outre-mer --force
	-$(BIN)/dossier checklist out/outre-mer --projet examples/outre-mer-8-essms.json

test: install libreoffice
	$(BIN)/python -m pytest -q

test-rapide: install
	$(BIN)/python -m pytest -q -m "not slow"

schema: install
	$(BIN)/python -m dossier.schema schemas/projet.schema.json

bench: install libreoffice
	$(BIN)/python benchmarks/render.py

bench-echelle: install
	$(BIN)/python benchmarks/render.py --sans-pdf --tailles 2000,5000,10000,20000,40000

clean:
	rm -rf $(VENV) out build dist src/*.egg-info
