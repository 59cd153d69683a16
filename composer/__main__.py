"""`python -m composer` runs the same CLI as the `invite` command."""

from composer.cli import main

if __name__ == "__main__":
    main()
