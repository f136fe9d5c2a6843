"""The scheduling core: session requests, offers and visits, VR kits, matching runs and the
coordinator's board."""
