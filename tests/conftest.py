"""Shared fixtures: the reference example, and builders of projects (see fabrique.py)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import fabrique


@pytest.fixture
def exemple() -> Path:
    """Path of the reference example (examples/normandie-2023-acquisition.json)."""
    return fabrique.EXEMPLE


@pytest.fixture
def donnees_exemple() -> dict:
    """A fresh copy of the reference example's JSON data, to modify."""
    return copy.deepcopy(json.loads(fabrique.EXEMPLE.read_text("utf-8")))


@pytest.fixture
def projet_de():
    """``projet_de(dict) -> Projet``: validate JSON data with the model."""
    return fabrique.projet_de


@pytest.fixture
def generer_projet():
    """``generer_projet(n_essms, **options) -> dict``: a valid project (see fabrique.generer_projet)."""
    return fabrique.generer_projet
