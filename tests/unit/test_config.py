"""Settings: documented defaults, one file, validated values, per-deck limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from study.domain.config import (
    DESCRIPTIONS,
    DeckLimits,
    Settings,
    SettingsError,
    config_dir,
    data_dir,
    dump_settings,
    fields_of,
    load_settings,
    save_settings,
    set_setting,
    settings_path,
)


def test_defaults_are_the_documented_ones() -> None:
    settings = Settings()
    assert (settings.new_per_day, settings.reviews_per_day) == (20, 200)
    assert settings.day_starts_at == 4
    assert (settings.leech_threshold, settings.leech_action) == (8, "suspend")
    assert settings.bury_siblings and settings.synchronous == "NORMAL"
    assert set(fields_of(settings)) == set(DESCRIPTIONS)


def test_study_home_holds_settings_and_data(study_home: Path) -> None:
    assert config_dir() == data_dir() == study_home
    assert settings_path() == study_home / "settings.toml"


def test_a_missing_settings_file_gives_the_defaults() -> None:
    assert load_settings() == Settings()


def test_settings_survive_save_and_load() -> None:
    settings = Settings(
        new_per_day=5,
        timezone="Europe/London",
        bury_siblings=False,
        theme="light",
        deck_limits={"spine": DeckLimits(3, 50), 'odd "id"': DeckLimits(1, 2)},
    )
    save_settings(settings)
    assert load_settings() == settings
    assert "# new cards introduced per day" in settings_path().read_text()


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("new_per_day", "35", 35),
        ("new_per_day", " 0 ", 0),
        ("bury_siblings", "off", False),
        ("bury_siblings", "Yes", True),
        ("synchronous", "full", "FULL"),
        ("timezone", "America/New_York", "America/New_York"),
        ("timezone", "", ""),
        ("leech_action", "flag", "flag"),
        ("day_starts_at", "0", 0),
    ],
)
def test_values_typed_on_the_command_line_are_converted(key: str, text: str, value: object) -> None:
    assert getattr(set_setting(Settings(), key, text), key) == value


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("new_per_day", "-1", "new_per_day must be a whole number of 0 or more"),
        ("new_per_day", "many", "new_per_day must be a whole number"),
        ("new_per_day", "²", "new_per_day must be a whole number"),
        ("new_per_day", "2.5", "new_per_day must be a whole number"),
        ("day_starts_at", "24", "day_starts_at must be an hour from 0 to 23"),
        ("leech_threshold", "0", "leech_threshold must be at least 1"),
        ("bury_siblings", "maybe", "bury_siblings must be true or false"),
        ("theme", "dark mode", "theme must be dark, light or a theme's name"),
        ("timezone", "Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
        ("timezone", "../../etc/passwd", "unknown time zone"),
        ("colour", "red", "unknown setting 'colour'"),
    ],
)
def test_invalid_values_are_refused_with_one_clear_line(key: str, text: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        set_setting(Settings(), key, text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_per_deck_limits_override_the_global_ones() -> None:
    settings = set_setting(Settings(), "new_per_day", "7", deck="spine")
    assert settings.limits_for("spine") == DeckLimits(new_per_day=7, reviews_per_day=200)
    assert settings.limits_for("other") == DeckLimits(20, 200)
    settings = set_setting(settings, "reviews_per_day", "9", deck="spine")
    assert settings.limits_for("spine") == DeckLimits(7, 9)


def test_only_daily_limits_can_be_set_per_deck() -> None:
    with pytest.raises(SettingsError, match="cannot be set per deck"):
        set_setting(Settings(), "theme", "light", deck="spine")


def test_a_broken_settings_file_names_itself() -> None:
    settings_path().write_text("new_per_day = \n")
    with pytest.raises(SettingsError, match=r"settings.toml: cannot read settings"):
        load_settings()


def test_an_invalid_value_in_the_file_names_the_file_and_the_setting() -> None:
    settings_path().write_text('timezone = "Nowhere/Town"\n')
    with pytest.raises(SettingsError, match=r"settings.toml: unknown time zone 'Nowhere/Town'"):
        load_settings()


def test_an_invalid_per_deck_value_in_the_file_names_the_file() -> None:
    settings_path().write_text('[decks.spine]\nnew_per_day = "lots"\n')
    with pytest.raises(SettingsError, match=r"settings.toml: \[decks.spine\] new_per_day must"):
        load_settings()


def test_unknown_settings_in_the_file_are_refused() -> None:
    settings_path().write_text("colour = 'red'\n")
    with pytest.raises(SettingsError, match="unknown setting 'colour'"):
        load_settings()


def test_the_dumped_file_is_valid_toml_for_any_deck_id() -> None:
    settings = Settings(deck_limits={"a.b::c d": DeckLimits(1, 1)})
    save_settings(settings)
    assert load_settings() == settings
    assert dump_settings(settings).count("[decks.") == 1


def test_a_per_deck_table_with_one_limit_takes_the_other_from_the_global_setting() -> None:
    settings_path().write_text("new_per_day = 9\n\n[decks.spine]\nreviews_per_day = 30\n")
    assert load_settings().limits_for("spine") == DeckLimits(new_per_day=9, reviews_per_day=30)
