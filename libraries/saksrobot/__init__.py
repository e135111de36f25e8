"""saksrobot: robots that create cases (saker) in Norwegian municipal archive systems."""

__version__ = "0.1.0"
