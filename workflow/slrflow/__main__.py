import sys

from slrflow.cli import main

sys.exit(main())
