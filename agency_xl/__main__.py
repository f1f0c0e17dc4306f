import sys

from agency_xl.cli import main

sys.exit(main())
