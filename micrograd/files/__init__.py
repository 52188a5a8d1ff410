"""micrograd.save and micrograd.load: a model in a file, as JSON (json_format.py) or safetensors
(safetensors_format.py), written atomically (atomic.py), described the same way in both (description.py).

>>> import os, tempfile
>>> from micrograd.layers import MLP
>>> path = os.path.join(tempfile.mkdtemp(), "model.json")
>>> save(MLP(2, [4, 1]), path)
>>> load(path).nouts
[4, 1]
"""

import os

from micrograd.files import json_format, safetensors_format
from micrograd.files.atomic import write_atomically
from micrograd.files.description import MAX_FILE_BYTES


def is_safetensors(path):
    """Whether `path` names a safetensors file (by its suffix, as save and load decide)."""
    return os.fsdecode(path).lower().endswith(".safetensors")


def save(obj, path):
    """Write a model to `path` as JSON: obj is an MLP, or {"model": mlp, "optimizer": optimizer} to keep the
    optimizer's state too (to resume training exactly). load(path) gives back the same kind of object.

    The write is atomic: the JSON goes to a temporary file in the same directory, which then replaces `path` in one
    step (os.replace), so a crash or an error mid-save leaves any existing file at `path` as it was. A symlink at `path`
    is written through, and a file that is replaced keeps its permissions. A directory, a device (/dev/null), a FIFO
    or a link to one at `path` is refused with an OSError, never replaced.

    A path ending in .safetensors gets the model's weights as safetensors instead (see
    micrograd/files/safetensors_format.py).
    """
    if is_safetensors(path):
        write_atomically(path, safetensors_format.to_bytes(obj))
    else:
        write_atomically(path, json_format.to_text(obj))


def load(path):
    """Read a file written by save(): an MLP, or {"model": mlp, "optimizer": optimizer} if the optimizer was saved.

    Anything else — an empty file, not JSON, another format or version, wrong shapes, weights that are not finite
    numbers, absurd sizes, deep nesting, a pickle — raises ValueError saying what is wrong. Nothing in the file is ever
    executed. A file that cannot be read at all raises OSError, as open() does. A path ending in .safetensors is read
    as safetensors, with the same rules.
    """
    path = os.fspath(path)
    with open(path, "rb") as file:
        raw = file.read(MAX_FILE_BYTES + 1)
    try:
        if len(raw) > MAX_FILE_BYTES:
            raise ValueError(f"it is larger than {MAX_FILE_BYTES} bytes")
        if is_safetensors(path):
            return safetensors_format.from_bytes(raw)
        return json_format.from_bytes(raw)
    except ValueError as error:
        raise ValueError(f"{path} is not a micrograd model file: {error}") from None
