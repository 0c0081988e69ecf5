import sys

from hireloop.cli import main

sys.exit(main())
