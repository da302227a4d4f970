"""Allow ``python -m textanalyse``."""

from textanalyse.cli import main

if __name__ == "__main__":
    main()
