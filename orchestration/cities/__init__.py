"""City profiles: one folder per city under cities/ (orchestration/cities/profile.py)."""

from orchestration.cities.profile import CityProfile, ProfileError, available_cities, load_profile

__all__ = ["CityProfile", "ProfileError", "available_cities", "load_profile"]
