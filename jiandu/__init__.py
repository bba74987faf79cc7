"""jiandu (监督): a big-data legal supervision platform for procuratorates."""

__version__ = "0.1.0"
