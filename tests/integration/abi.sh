#!/usr/bin/env bash
# libsluice exports exactly the SDK: every function the headers declare
# with SLUICE_API, each in a SLUICE_<version> symbol node, plus the CLI's
# one private entry; nothing else.  Plugins export only their entry point.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"

lib=$top_builddir/.libs/libsluice.so
[[ -f $lib ]] || bail "no $lib"

declared=$(grep -ho 'SLUICE_API [^(]*(' "$top_srcdir"/sdk/sluice/*.h |
	sed -E 's/.*[ *]([a-z_0-9]+)\($/\1/' | sort)
exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | sort)

sdk=$(grep '@@SLUICE_[0-9]' <<<"$exported" | sed 's/@@.*//')
is "$sdk" "$declared" "every SLUICE_API function, and only those, is exported in a SLUICE_<version> node"
is "$(grep -v '@@SLUICE_[0-9]' <<<"$exported")" "sluice_cli_main@@SLUICE_PRIVATE" \
	"the only other export is the CLI's entry, in SLUICE_PRIVATE"

# Every function of the map is in the headers: a node never lists a name
# that does not exist (the linker would not say).
mapped=$(sed -n '/^SLUICE_0/,/^}/p' "$top_srcdir/core/libsluice.map" | grep -oE '^\s+sluice_[a-z_0-9]+;' |
	tr -d ' \t;' | sort)
is "$mapped" "$declared" "core/libsluice.map lists the SDK's functions by name"

for so in "$top_builddir"/plugins/*/.libs/*.so; do
	is "$(nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }')" "sluice_plugin_entry" \
		"$(basename "$so") exports only sluice_plugin_entry"
done

done_testing
