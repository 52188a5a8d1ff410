"""Writing a file atomically: a reader (or a crash) sees the old file or the new one, never a mix."""

import errno
import os
import secrets
import stat

# What a path can name besides a regular file, for the error that refuses to replace it.
FILE_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
}


def check_replaceable(path):
    """Raise FileExistsError (an OSError) naming `path` if something other than a regular file is there (or behind a
    link there): what write_atomically refuses, for a command that wants to say so before any work."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):  # os.replace would swap /dev/null for a regular file
        kind = FILE_KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise FileExistsError(errno.EEXIST, f"is {kind}, not a regular file; refusing to replace it", os.fsdecode(path))


def write_atomically(path, data):
    """Write `data` (bytes, or str as UTF-8) to `path` so that a reader sees the old file or the new one, never a mix.

    The data goes to a temporary file in the same directory, which then replaces the target in one step (os.replace).
    A symlink is written through (its target is replaced, the link stays); an existing file keeps its permission bits,
    a new one gets what open() would give (0o666 minus the umask). Anything else at `path` — a directory, a device such
    as /dev/null, a FIFO, or a link to one — is refused with an OSError, never replaced by a regular file. An OSError
    names `path`, not the temporary file. `path` may be str, bytes or os.PathLike, as for open().
    """
    path = os.fsdecode(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    target = os.path.realpath(path)  # replacing the link itself would turn it into a plain file
    # A short name of our own, not path's name plus a suffix, which could exceed the file system's name limit.
    temporary = os.path.join(os.path.dirname(target), f".micrograd-{secrets.token_hex(8)}.tmp")
    try:
        check_replaceable(target)
        try:
            mode = os.stat(target).st_mode
        except FileNotFoundError:
            mode = None
        # O_EXCL: never reuse an existing file; mode 0o666 lets the umask decide the permissions, as open() would.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(descriptor, "wb") as file:
                if mode is not None:
                    os.chmod(temporary, stat.S_IMODE(mode))
                file.write(data)
                file.flush()
                # On disk before the rename, so the new name never points at a half-written file.
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            if os.path.exists(temporary):
                os.remove(temporary)
            raise
    except OSError as error:
        if error.errno is None:  # not from the operating system: nothing to rename
            raise
        raise OSError(error.errno, error.strerror, path) from None  # the same subclass (PermissionError...)
