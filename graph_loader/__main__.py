"""``python -m graph_loader``: the data commands of lamcoop, without the service."""

from graph_loader.cli import data_main

if __name__ == "__main__":
    data_main()
