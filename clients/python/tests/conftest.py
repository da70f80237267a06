"""Fixtures of the client's tests. They run against real servers that test/python/run.ts starts
(``npm run test:python``) and describes in the environment: ``LARDER_TEST_URL`` (the web API),
``LARDER_TEST_FEATURE_SERVER_URL`` and ``LARDER_TEST_SEED`` (a JSON file: projects, tokens per
role, the materialized range)."""

from __future__ import annotations

import json
import os
from typing import Any, Dict

import pytest

import larder


def _seed() -> Dict[str, Any]:
    path = os.environ.get("LARDER_TEST_SEED")
    if not path:
        pytest.exit("These tests need running servers: run them with `npm run test:python` (test/python/run.ts).", returncode=2)
    with open(path) as f:
        return dict(json.load(f))


@pytest.fixture(scope="session")
def seed() -> Dict[str, Any]:
    return _seed()


@pytest.fixture(scope="session")
def url() -> str:
    return os.environ["LARDER_TEST_URL"]


@pytest.fixture(scope="session")
def fs_url() -> str:
    return os.environ["LARDER_TEST_FEATURE_SERVER_URL"]


@pytest.fixture(scope="session")
def project(seed: Dict[str, Any]) -> str:
    return str(seed["project"])


@pytest.fixture(scope="session")
def client(url: str, seed: Dict[str, Any]) -> larder.Client:
    """A consumer: reads the catalog and feature values."""
    return larder.Client(url, token=seed["tokens"]["consumer"], project=seed["project"], progress=False)


@pytest.fixture(scope="session")
def operator(url: str, seed: Dict[str, Any]) -> larder.Client:
    """An operator: also pushes and runs jobs."""
    return larder.Client(url, token=seed["tokens"]["operator"], project=seed["project"], progress=False)


@pytest.fixture(scope="session")
def viewer(url: str, seed: Dict[str, Any]) -> larder.Client:
    """A viewer: the catalog only, no values."""
    return larder.Client(url, token=seed["tokens"]["viewer"], project=seed["project"], progress=False)


@pytest.fixture(scope="session")
def types_client(url: str, seed: Dict[str, Any]) -> larder.Client:
    """An operator of the project with a push source of every dtype."""
    return larder.Client(url, token=seed["tokens"]["typesOperator"], project=seed["typesProject"], progress=False)
