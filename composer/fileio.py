"""Reading what a user points at and writing what the tool produces, safely.

Reads turn every OS and decoding failure into one clear `InputError`. Writes are atomic
(a temporary file in the same folder, then a rename) and refuse to replace an existing file unless
the user said `--force`, so nothing a user wrote is ever lost.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from composer.errors import InputError, UsageError
from composer.output import unicode_safe

#: The mode of files only their owner may read (the saved draft).
PRIVATE = 0o600


#: What `read_text` reads at most unless told otherwise: any text file this tool reads is far smaller.
MAX_READ_BYTES = 16 * 1024 * 1024


def open_input(path: Path, what: str = "file") -> BinaryIO:
    """Open a file to read, or raise an InputError naming the file and the reason."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such {what}") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not {_article(what)} {what}") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return handle


def read_capped(stream: BinaryIO, name: str, limit: int, what: str = "file") -> bytes:
    """At most `limit` bytes; more (a huge file, /dev/zero) is refused without reading it all."""
    try:
        data = stream.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InputError(f"{name}: larger than {limit:,} bytes; too large to be {_article(what)} {what}")
    return data


def read_text(path: Path, what: str = "file", limit: int = MAX_READ_BYTES) -> str:
    """Read a UTF-8 text file of at most `limit` bytes or raise an InputError naming the file and the reason."""
    with open_input(path, what) as handle:
        data = read_capped(handle, str(path), limit, what)
    return decode(data, str(path))


def parse_toml(text: str, name: str, what: str = "TOML") -> dict[str, Any]:
    """Parse TOML a user wrote; a syntax error, a 5,000-digit number or absurd nesting is one InputError."""
    import tomllib  # only when there is a file to read: `invite --help` never is

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{name}: malformed {what}: {exc}") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{name}: unusable {what}: {str(exc)[:120] or type(exc).__name__}") from None


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (a BOM is dropped); binary or other encodings are refused, never half-decoded."""
    if b"\x00" in data:
        raise InputError(f"{name}: looks like a binary file, not a text note")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (invalid byte at offset {exc.start}); save it as UTF-8") from None
    return text.removeprefix("\ufeff")


#: The path that means "stdout" wherever a file to write is asked for (`-o -`).
STDOUT = "-"


def refuse_overwrite(path: Path, force: bool) -> None:
    """Fail early, before any work is done, if writing path would clobber something.

    Only regular files are ever replaced (with force): a symlink, a FIFO or a device node at the
    path is refused, so `-o /dev/null --force` as root cannot replace /dev/null.
    """
    try:
        info = path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return  # a new file (whether its folder is usable is write_atomic's to say)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{path}: is a directory; give a file name")
    if not stat.S_ISREG(info.st_mode):
        kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
        raise UsageError(f"{path}: is {kind}; give the path of a regular file or a new one")
    if not force:
        raise UsageError(f"{path}: already exists; use --force to overwrite it")


def current_umask() -> int:
    """The process's umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def target_mode(path: Path, mode: int | None) -> int:
    """The mode a written file ends with: `mode` if given, else the replaced file's, else 0666 minus the umask."""
    if mode is not None:
        return mode
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~current_umask()


def write_atomic(path: Path, text: str, *, force: bool = False, mode: int | None = None) -> None:
    """Write text to path via a temporary file and a rename; refuse to overwrite without force.

    The temporary file sits next to the target (same file system, so the rename is atomic) and is
    flushed to disk first: a crash or Ctrl-C leaves either the old file or the new one, never half of
    one. Without force the new file is hard-linked into place, which fails rather than replace a file
    that appeared meanwhile. The file gets the mode a new file would (0666 minus the umask), or keeps
    the mode of the file it replaces, or `mode` when given (the draft state is `PRIVATE`).
    """
    with staged_write(path, text, force=force, mode=mode) as publish:
        publish()


@contextmanager
def staged_write(path: Path, text: str, *, force: bool = False, mode: int | None = None) -> Iterator[Callable[[], None]]:
    """`write_atomic` in two steps: the temporary file is written on entry, and the block gets `publish`,
    which puts it in place (the rename). A block that ends without publishing (an error, Ctrl-C) leaves
    `path` as it was and removes the temporary file. Between the two, the caller does what must happen
    with the file or not at all (`invite merge` records its notes, and commits just after publishing)."""
    with staged_file(path, force=force, mode=mode) as staged:
        staged.write(text)
        staged.finish()
        yield staged.publish


class Staged:
    """A file written next to its target in pieces (`write`), flushed to disk (`finish`), then put in place (`publish`)."""

    def __init__(self, path: Path, tmp: Path, handle: TextIO, force: bool) -> None:
        self.path, self.tmp, self.handle, self.force = path, tmp, handle, force

    def write(self, text: str) -> None:
        with self._problems():
            self.handle.write(unicode_safe(text))

    def finish(self) -> None:
        """On disk before it is published: a crash after the rename must not leave an empty or partial file."""
        with self._problems():
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()

    def publish(self) -> None:
        """The rename: quick, and all or nothing (without --force, a file that appeared meanwhile is refused)."""
        with self._problems():
            if self.force:
                os.replace(self.tmp, self.path)
            else:
                _link_new(self.tmp, self.path)

    @contextmanager
    def _problems(self) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            raise UsageError(f"{self.path}: cannot write: {exc.strerror or exc}") from None


@contextmanager
def staged_file(path: Path, *, force: bool = False, mode: int | None = None) -> Iterator[Staged]:
    """A temporary file next to `path`, for an output written in pieces (`invite merge` of any size): the block
    writes it, finishes it and publishes it; leaving the block without publishing leaves `path` as it was and
    removes the temporary file. Refuses what `refuse_overwrite` refuses, before anything is written."""
    refuse_overwrite(path, force)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        reason = f"{folder} is not a folder" if folder.exists() else f"folder does not exist ({folder})"
        raise UsageError(f"{path}: cannot write: {reason}")
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write into {folder}: {exc.strerror or exc}") from None
    tmp = Path(name)
    try:
        handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        with handle:
            try:
                os.fchmod(handle.fileno(), target_mode(path, mode))
            except OSError as exc:
                raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from None
            yield Staged(path, tmp, handle, force)
    finally:
        tmp.unlink(missing_ok=True)  # gone already once published


def _link_new(tmp: Path, path: Path) -> None:
    """Move tmp to path only if path does not exist (atomically where hard links work)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise UsageError(f"{path}: already exists; use --force to overwrite it") from None
    except OSError:  # no hard links here (e.g. some network or FAT file systems)
        if path.exists():
            raise UsageError(f"{path}: already exists; use --force to overwrite it") from None
        os.replace(tmp, path)
        return
    tmp.unlink()
