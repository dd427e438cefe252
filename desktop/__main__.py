from desktop.cli import main

# the guard keeps a process spawned by multiprocessing (the demo load's producer) from
# starting the app again when it imports this module
if __name__ == "__main__":
    raise SystemExit(main())
