"""Where things are and who is responsible for them: administrative areas (kota, kecamatan,
desa/kelurahan), agencies, asset layers and their assets with owners, who works for which agency
(memberships), the loaders of boundary and asset files and of OpenStreetMap extracts (roads, street
lamps, the gazetteer of places), the synthetic demo layers, place search, and the shapes other apps
use to name an agency or an area.

May import: common. No other app."""
