"""Allow ``python -m textanalyse``."""

import sys

try:
    from textanalyse.cli import main
except KeyboardInterrupt:  # Ctrl-C while Python is still importing: one line, no traceback
    print("interrupted: nothing was written; earlier results are unchanged", file=sys.stderr)
    sys.exit(130)

if __name__ == "__main__":
    main()
