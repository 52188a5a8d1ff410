"""The `micrograd` command's output directory, written as a set: a reader sees the old files or the new ones, not a mix.

    staging = StagedOutputs(Path("micrograd-out"), ["model.json", "history.csv", ...])  # checks, at once
    with staging:                       # on leaving, removes whatever is left in the hidden directory
        ...write the files into staging.path...
        staging.publish()               # moves them into place

Before anything is trained, the constructor checks that --out can be written, by making the hidden directory next to
it: a path that is a file, lies under a file, or cannot be created fails at once, with a one-line error; so does one
of our names in --out that is not a regular file (a directory, a FIFO, a device: publishing never replaces it).

Publishing: when --out does not exist yet, the hidden directory is renamed to it, which is atomic. Otherwise each file
is moved over its old version (each move is atomic), and old files of ours that this run did not write (e.g. pictures
skipped for lack of matplotlib) are removed; Ctrl-C is held back during those few renames, so an interrupt cannot
split the set. The limit: a crash of the machine, or a SIGKILL, in the microseconds between two renames can still
leave a mix. Other files in --out are never touched.
"""

import contextlib
import os
import shutil
import signal
import tempfile
import weakref
from pathlib import Path

from micrograd.files.atomic import check_replaceable


class StagedOutputs:
    """A hidden directory next to `out`, where the files `names` are written before `publish` moves them into `out`."""

    def __init__(self, out, names):
        out = Path(out)
        if out.exists() and not out.is_dir():
            raise ValueError(f"--out {out} is a file, not a directory")
        file_above = next((parent for parent in out.parents if parent.exists() and not parent.is_dir()), None)
        if file_above is not None:
            raise ValueError(f"--out {out} lies under {file_above}, which is a file, not a directory")
        if out.is_dir() and not os.access(out, os.W_OK | os.X_OK):
            raise ValueError(f"--out {out}: cannot write in this directory (permission denied)")
        self.out, self.names = out, list(names)
        try:
            self._check_our_names()
        except OSError as error:
            raise ValueError(f"--out {out}: {error.filename} {error.strerror}") from None
        target = out.resolve()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # Ctrl-C waits until the directory has an owner: dropping this object, e.g. after a Ctrl-C that comes
            # before `with`, removes it (weakref.finalize, as tempfile.TemporaryDirectory does).
            with interrupts_held_back():
                self.path = Path(tempfile.mkdtemp(prefix=f".{target.name or 'out'}-", dir=target.parent))
                self._remove = weakref.finalize(self, shutil.rmtree, self.path, ignore_errors=True)
            umask = os.umask(0)
            os.umask(umask)
            self.path.chmod(0o777 & ~umask)  # mkdtemp's 0700 would become --out's when it is renamed to it
        except OSError as error:
            raise ValueError(f"--out {out} cannot be created: {error.strerror or error}") from None

    def _check_our_names(self):
        """An OSError if one of our names in `out` is something publishing must not replace or remove."""
        for name in self.names:
            check_replaceable(self.out / name)

    def publish(self):
        """Move the files of ours written in `self.path` into `out`; remove our other names left there."""
        if not self.out.exists():
            os.replace(self.path, self.out)
            return
        self._check_our_names()  # again: something may have appeared there while we trained
        with interrupts_held_back():
            for name in self.names:
                if (self.path / name).exists():
                    os.replace(self.path / name, self.out / name)
                else:
                    (self.out / name).unlink(missing_ok=True)
        self.discard()

    def discard(self):
        """Remove the hidden directory and whatever is still in it (nothing, after `publish`)."""
        self._remove()

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.discard()  # after an error, a divergence or Ctrl-C: --out is left as it was


@contextlib.contextmanager
def interrupts_held_back():
    """Hold Ctrl-C (SIGINT) back until the block ends, then raise the KeyboardInterrupt it would have raised."""
    received = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt
