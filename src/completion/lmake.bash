# Bash completion for lmake-cs's user commands (installed as share/bash-completion/completions/lmake, with a
# link per command name so that bash-completion's on-demand loader finds it; or source it from ~/.bashrc).
# Options are read from each command's own -h (cached per shell), so they never drift from the commands.
# Target arguments complete to the files on disk plus the names lmake could make: the fixed-name targets of
# the rules (LMAKE/makefiles.json) and the files jobs made before (read from the store by _bin/lmake_dump,
# read-only). Nothing here starts a server or writes anything: completion must stay cheap and harmless.

declare -gA _lmake_opts_cache=()     # "cmd[ sub]" -> its options, one a line
declare -gA _lmake_args_cache=()     # "cmd[ sub]" -> the options among them that take a value

# The options a command prints in its -h: lines that start with blanks then "-x, --long" (both styles of help,
# System.CommandLine's and the in-job commands' own), plus the "--version" the latter mention on their -h line.
_lmake_learn() {
    local key="$1"; shift
    [[ -n ${_lmake_opts_cache[$key]+set} ]] && return
    local help line opts="" args="" tok rest
    # stdin is an empty here-string, never the terminal: a command reading it would eat what the user types ahead
    help=$("$@" -h 2>/dev/null <<<'') || help=""
    while IFS= read -r line; do
        [[ $line =~ ^[[:space:]]+(-[^[:space:]].*)$ ]] || continue
        rest=${BASH_REMATCH[1]}
        while [[ $rest =~ ^(--?[A-Za-z0-9?][A-Za-z0-9-]*)(,[[:space:]]*|[[:space:]]|$)(.*)$ ]]; do
            tok=${BASH_REMATCH[1]}; rest=${BASH_REMATCH[3]}
            opts+="$tok"$'\n'
            # a value follows: <ARG> (System.CommandLine) or an upper-case word (the in-job commands)
            if [[ ${BASH_REMATCH[2]} != ,* && ( $rest =~ ^\<[^\>]+\> || $rest =~ ^[A-Z][A-Z_|]+ ) ]]; then
                args+="$tok"$'\n'
                # the other names of the same option take it too
                local l=${line#*-}; l="-$l"
                while [[ $l =~ ^(--?[A-Za-z0-9?][A-Za-z0-9-]*),[[:space:]]*(.*)$ ]]; do
                    args+="${BASH_REMATCH[1]}"$'\n'; l=${BASH_REMATCH[2]}
                done
            fi
            [[ ${BASH_REMATCH[2]} == ,* ]] || break
        done
        [[ $line =~ \;[[:space:]]+(--[a-z-]+): ]] && opts+="${BASH_REMATCH[1]}"$'\n'
    done <<<"$help"
    _lmake_opts_cache[$key]=$opts
    _lmake_args_cache[$key]=$args
}

# The repo root: the nearest folder upwards with Lmakefile.py or an Lmakefile/ package (as lmake finds it).
_lmake_root() {
    local d=$PWD
    while :; do
        if [[ -f $d/Lmakefile.py || -d $d/Lmakefile ]]; then printf '%s\n' "$d"; return 0; fi
        [[ -z $d || $d == / ]] && return 1
        d=${d%/*}; [[ -z $d ]] && d=/
    done
}

# Names lmake knows it can make, relative to the repo root, one a line.
_lmake_known_targets() {
    local root=$1 cmd=$2 dump
    if [[ -f $root/LMAKE/makefiles.json ]] && type -P python3 >/dev/null; then
        python3 - "$root/LMAKE/makefiles.json" <<'PY' 2>/dev/null
import json, sys
for r in json.load(open(sys.argv[1])).get('rules', []):
    for t in r.get('targets', []):
        if not t.get('star') and len(t.get('parts', [])) == 1: print(t['parts'][0])   # a name with no stem
PY
    fi
    # lmake_dump sits in _bin/ beside the bin/ of the command (typed with its path, or found on PATH); it opens
    # the store read-only (a server may run)
    [[ $cmd == */* ]] || cmd=$(type -P "$cmd" 2>/dev/null)
    dump=${cmd%/*}/../_bin/lmake_dump
    [[ $dump == /* ]] || dump=$PWD/$dump
    if [[ -x $dump && -d $root/LMAKE/store ]]; then
        (cd "$root" && timeout 2 "$dump" 2>/dev/null <<<'') |
            awk '$1 == "node" && $4 ~ /^written_by=/ { sub(/^node [0-9]+ [^ ]+ written_by=[0-9]+ /, ""); print }'
    fi
}

_lmake_rules() {
    local root=$1
    [[ -f $root/LMAKE/makefiles.json ]] && type -P python3 >/dev/null || return
    python3 -c 'import json,sys; [print(r["name"]) for r in json.load(open(sys.argv[1])).get("rules",[])]' \
        "$root/LMAKE/makefiles.json" 2>/dev/null <<<''

}

# Files on disk and names lmake could make, relative to the current dir, starting with $1.
_lmake_complete_targets() {
    local cur=$1 root rel name
    local -a files
    mapfile -t files < <(compgen -f -- "$cur")
    COMPREPLY+=("${files[@]}")
    root=$(_lmake_root) || return 0
    rel=""; [[ $PWD != "$root" ]] && rel=${PWD#"$root"/}/
    while IFS= read -r name; do
        [[ -n $name ]] || continue
        if [[ -n $rel ]]; then [[ $name == "$rel"* ]] || continue; name=${name#"$rel"}; fi
        [[ $name == "$cur"* ]] && COMPREPLY+=("$name")
    done < <(_lmake_known_targets "$root" "${COMP_WORDS[0]}" | sort -u)
    # each name once
    mapfile -t COMPREPLY < <(printf '%s\n' "${COMPREPLY[@]}" | sort -u)
}

# The values of an option that takes one; returns 1 when it does not know better than files.
_lmake_option_value() {
    local cmd=$1 opt=$2 cur=$3 root
    case "$cmd:$opt" in
        *:-R|*:--rule)
            root=$(_lmake_root) && mapfile -t COMPREPLY < <(compgen -W "$(_lmake_rules "$root")" -- "$cur"); return 0 ;;
        lmake:-c|lmake:--cache-method)
            mapfile -t COMPREPLY < <(compgen -W "none download upload plain" -- "$cur"); return 0 ;;
        # numbers, codes, contexts: nothing to offer
        lmake:-j|lmake:--jobs|lmake:-r|lmake:--retry-on-error|lmake:-m|lmake:--max-runs|lmake:-M|lmake:--max-submits|\
        lencode:-l|lencode:--min-len|lcheck_deps:-d|lcheck_deps:--delay|*:-x|*:--context|*:-c|*:--code|\
        *:-v|*:--codec-version|dijitso:--key|dijitso:--signature|dijitso:--lib|dijitso:--dep|dijitso:--cxxflags|dijitso:--set)
            return 0 ;;
    esac
    case "$cmd:$opt" in
        ldebug:-k|ldebug:--key)     mapfile -t COMPREPLY < <(compgen -W "n e shell" -- "$cur"); return 0 ;;
        lautodep:-m|lautodep:--method)
            mapfile -t COMPREPLY < <(compgen -W "ld_preload ld_audit ptrace none" -- "$cur"); return 0 ;;
        dijitso:--build-on)         mapfile -t COMPREPLY < <(compgen -W "node root process" -- "$cur"); return 0 ;;
        dijitso:--categories)       mapfile -t COMPREPLY < <(compgen -W "inc src lib log" -- "$cur"); return 0 ;;
        *:-T|*:--tmp-dir|*:-z|*:--dir|*:-s|*:--source-dir|*:--cache-dir|*:--include-dir|*:--lib-dir)
            mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return 0 ;;
    esac
    return 1
}

_lmake_complete() {
    local cmd=${COMP_WORDS[0]##*/} cur=${COMP_WORDS[COMP_CWORD]} prev="" key sub="" i
    (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
    COMPREPLY=()
    local -a run=("${COMP_WORDS[0]}")
    if [[ $cmd == dijitso ]]; then
        # the first word after dijitso is its command
        for (( i = 1; i < COMP_CWORD; i++ )); do
            [[ ${COMP_WORDS[i]} == -* ]] && continue
            sub=${COMP_WORDS[i]}; break
        done
        if [[ -z $sub ]]; then
            if [[ $cur == -* ]]; then
                _lmake_learn dijitso dijitso
                mapfile -t COMPREPLY < <(compgen -W "${_lmake_opts_cache[dijitso]}" -- "$cur")
            else
                # its commands, as `dijitso -h` lists them under "Commands:"
                if [[ -z ${_lmake_opts_cache[dijitso commands]+set} ]]; then
                    _lmake_opts_cache[dijitso commands]=$("${COMP_WORDS[0]}" -h 2>/dev/null <<<'' |
                        awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
                fi
                mapfile -t COMPREPLY < <(compgen -W "${_lmake_opts_cache[dijitso commands]}" -- "$cur")
            fi
            return 0
        fi
        run+=("$sub")
    fi
    key="$cmd${sub:+ $sub}"
    _lmake_learn "$key" "${run[@]}"
    # lautodep: once the command to run has started, complete as for that command's arguments (files)
    if [[ $cmd == lautodep ]]; then
        for (( i = 1; i < COMP_CWORD; i++ )); do
            local w=${COMP_WORDS[i]}
            if [[ $w == -- ]] || { [[ $w != -* ]] && ! grep -qxF -- "${COMP_WORDS[i-1]}" <<<"${_lmake_args_cache[$key]}"; }; then
                mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return 0
            fi
        done
    fi
    if [[ -n $prev ]] && grep -qxF -- "$prev" <<<"${_lmake_args_cache[$key]}"; then
        _lmake_option_value "$cmd" "$prev" "$cur" && return 0
        mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return 0
    fi
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "${_lmake_opts_cache[$key]}" -- "$cur")
        return 0
    fi
    case $cmd in
        lmake|lshow|lforget|lmark|ldebug)  _lmake_complete_targets "$cur" ;;
        lcollect|lcache_repair|lcache_server|lcodec_repair) mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
        lautodep)                          mapfile -t COMPREPLY < <(compgen -c -- "$cur") ;;
        lencode|ldecode|lcheck_deps|lmake_repair) ;;
        *)                                 mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
    esac
    return 0
}

complete -o filenames -F _lmake_complete \
    lmake lshow lforget lmark ldebug lcollect lmake_repair lautodep lcache_repair lcache_server lcodec_repair \
    ldecode lencode ldepend ltarget lcheck_deps xxhsum dijitso
