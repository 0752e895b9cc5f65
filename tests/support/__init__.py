"""What test modules import: helpers, builders and the types of fixtures.

Fixtures and hooks stay in the `conftest.py` files, which no test module imports; every
helper a second test module needs lives here, once.
"""
