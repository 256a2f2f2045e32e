from tests.cli.conftest import assembly

__all__ = ["assembly"]
