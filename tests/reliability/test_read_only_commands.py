"""Commands that only read still work where the database's folder cannot be written (a
full disk, a read-only folder): a database in WAL mode needs its -shm file even to be
read, so they read the file as immutable and say so; writing fails in one clear line
(issue 21). The doctor says which of the two it is."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from reliability_helpers import PYTHON, can_unshare, deck_file, env_for

ROOT = os.geteuid() == 0

SCRIPT = r"""
set -e
run() { "$PY" -c "from study.cli import main; main()" --db "$DIR/data/study.db" "$@"; }
mkdir -p "$DIR/data"
run import "$DECK" > /dev/null
rm -f "$DIR/data/study.db-wal" "$DIR/data/study.db-shm"
if [ "$MODE" = full ]; then
    mkdir -p "$DIR/data.new"
    mount -t tmpfs -o size=4m tmpfs "$DIR/data.new"
    cp -r "$DIR/data/." "$DIR/data.new/"
    mount --bind "$DIR/data.new" "$DIR/data"
    dd if=/dev/zero of="$DIR/data/filler" bs=1k 2>/dev/null || true
else
    mount --bind "$DIR/data" "$DIR/data" && mount -o remount,bind,ro "$DIR/data" "$DIR/data"
fi
set +e
for command in decks cards stats log "profile list"; do
    run $command > "$OUT/$(echo $command | tr ' ' _).out" 2> "$OUT/$(echo $command | tr ' ' _).err"
    echo "STATUS_$(echo $command | tr ' ' _) $?"
done
run profile add newcomer > /dev/null 2> "$OUT/write.err"
echo "STATUS_write $?"
run doctor > "$OUT/doctor.out" 2>&1
echo "STATUS_doctor $?"
"""


@pytest.mark.skipif(not can_unshare(), reason="needs a mount namespace")
@pytest.mark.parametrize(("mode", "reason"), [("full", "is full"), ("ro", "is read-only")])
def test_reading_commands_work_where_the_folder_cannot_be_written(
    tmp_path: Path, mode: str, reason: str
) -> None:
    deck = deck_file(tmp_path, "d", 12)
    env = env_for(tmp_path / "home") | {
        "DIR": str(tmp_path),
        "PY": PYTHON,
        "OUT": str(tmp_path),
        "DECK": str(deck),
        "MODE": mode,
    }
    command = ["unshare", "-m" if ROOT else "-rm", "sh", "-c", SCRIPT]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    status = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    for name in ("decks", "cards", "stats", "log", "profile_list"):
        err = (tmp_path / f"{name}.err").read_text()
        assert status[f"STATUS_{name}"] == "0", (name, err)
        assert "read without writing beside it" in err and reason in err, err
    assert "d-12" in (tmp_path / "cards.out").read_text()
    write_err = (tmp_path / "write.err").read_text()
    assert status["STATUS_write"] != "0"
    assert "Traceback" not in write_err and len(write_err.strip().splitlines()) == 1, write_err
    doctor = (tmp_path / "doctor.out").read_text()
    assert "integrity: ok" in doctor and reason in doctor, doctor
