# _tiles.sh — sourced by the `prepare` of the terrain-tiles cases (tests/bad/README.md):
# tiles W H [DIR] splits the case's terrain.tif (the base's 200 m × 100 m coast, 40 × 20
# cells of 5 m) into tiles of W × H cells in DIR (default dhm), named like the published
# DHM tiles but in metres, DTM_50m_<northing>_<easting>.tif (the lower-left corner), and
# points inputs.terrain of project.yaml at DIR. terrain.tif stays (nothing reads it).
tiles() {
    local w=$1 h=$2 dir=${3:-dhm} x y
    mkdir -p "$dir"
    for ((y = 0; y < 20; y += h)); do
        for ((x = 0; x < 40; x += w)); do
            gdal_translate -q -srcwin "$x" "$y" "$w" "$h" terrain.tif \
                "$dir/DTM_50m_$((6130100 - (y + h) * 5))_$((500000 + x * 5)).tif" || return 1
        done
    done
    sed -i "s|^  terrain: terrain.tif|  terrain: $dir|" project.yaml
}
