import sys

from mcgov.demo.run import main

sys.exit(main())
