"""The one thing pyproject.toml cannot say: ship the top-level ``resources/`` folder
inside the wheel as ``desktop_app/resources`` (package data of a mapped package),
next to the packages found in the tree. Everything else is in pyproject.toml."""
from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["desktop_app", "desktop_app.*", "ui", "ui.*"]),
              "desktop_app.resources"],
    package_dir={"desktop_app.resources": "resources"},
)
