# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_routex_global_optspecs
    string join \n server= data-dir= format= v/verbose q/quiet admin-token= lang= h/help V/version
end

function __fish_routex_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_routex_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_routex_using_subcommand
    set -l cmd (__fish_routex_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c routex -n "__fish_routex_needs_command" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_needs_command" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_needs_command" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_needs_command" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_needs_command" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_needs_command" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_needs_command" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_needs_command" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_needs_command" -f -a "serve" -d 'Run the daemon: proxy and admin API on one port (--detach: in the background)'
complete -c routex -n "__fish_routex_needs_command" -f -a "stop" -d 'Stop the daemon of this data directory (it finishes in-flight streams first)'
complete -c routex -n "__fish_routex_needs_command" -f -a "restart" -d 'Stop the daemon if it runs, then start it in the background with these settings'
complete -c routex -n "__fish_routex_needs_command" -f -a "status" -d 'Whether the daemon runs: pid, version, uptime, address, channels up (exit 1: not running)'
complete -c routex -n "__fish_routex_needs_command" -f -a "env" -d 'Print the variables that point the SDKs (or one coding agent: --agent) at routex, for eval'
complete -c routex -n "__fish_routex_needs_command" -f -a "code" -d 'Run a coding agent through routex (starting the daemon if none runs): routex code -- -p "hi"'
complete -c routex -n "__fish_routex_needs_command" -f -a "channel" -d 'Manage upstream channels'
complete -c routex -n "__fish_routex_needs_command" -f -a "rule" -d 'Manage routing rules and dry-run a request against them'
complete -c routex -n "__fish_routex_needs_command" -f -a "strategy" -d 'Show or switch the load-balancer strategy'
complete -c routex -n "__fish_routex_needs_command" -f -a "lang" -d 'Show or set the daemon\'s language (admin API messages): en or zh-CN'
complete -c routex -n "__fish_routex_needs_command" -f -a "test" -d 'Send channels a one-token test request and say what works and how to fix what does not (exit 1: a failure)'
complete -c routex -n "__fish_routex_needs_command" -f -a "setup" -d 'First-run wizard on a terminal: a provider, its key, a test, the next command'
complete -c routex -n "__fish_routex_needs_command" -f -a "diagnose" -d 'Check everything a broken setup needs: store, config, daemon, port, disk, each channel (exit 1: a ✗)'
complete -c routex -n "__fish_routex_needs_command" -f -a "stats" -d 'The request log summed up: requests, success rate, latency, tokens, cost, per channel'
complete -c routex -n "__fish_routex_needs_command" -f -a "logs" -d 'Show the request log (--follow to keep watching)'
complete -c routex -n "__fish_routex_needs_command" -f -a "trace" -d 'Request traces kept by the running daemon: stats, list, show (a waterfall), clear'
complete -c routex -n "__fish_routex_needs_command" -f -a "tee" -d 'Copies of finished request records to a file or a webhook: list, add, remove, test'
complete -c routex -n "__fish_routex_needs_command" -f -a "cache" -d 'The cache warmer: stats, config, warm, invalidate (with or without a daemon)'
complete -c routex -n "__fish_routex_needs_command" -f -a "export" -d 'Write channels and settings to a YAML or JSON document'
complete -c routex -n "__fish_routex_needs_command" -f -a "import" -d 'Read channels and settings from a document (or a config file)'
complete -c routex -n "__fish_routex_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c routex -n "__fish_routex_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c routex -n "__fish_routex_using_subcommand serve" -s c -l config -d 'Configuration file (YAML)' -r -F
complete -c routex -n "__fish_routex_using_subcommand serve" -l host -d 'Listen host [default: server.host, 127.0.0.1]' -r
complete -c routex -n "__fish_routex_using_subcommand serve" -s p -l port -d 'Listen port [default: server.port, 3000]' -r
complete -c routex -n "__fish_routex_using_subcommand serve" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand serve" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand serve" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand serve" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand serve" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand serve" -l allow-unauthenticated -d 'Listen on a non-loopback address with neither client keys nor an admin token'
complete -c routex -n "__fish_routex_using_subcommand serve" -s d -l detach -d 'Run in the background: return once the daemon answers, with its address, pid and log file'
complete -c routex -n "__fish_routex_using_subcommand serve" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand serve" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand serve" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand stop" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand stop" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand stop" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand stop" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand stop" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand stop" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand stop" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand stop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand stop" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand restart" -s c -l config -d 'Configuration file (YAML)' -r -F
complete -c routex -n "__fish_routex_using_subcommand restart" -l host -d 'Listen host [default: server.host, 127.0.0.1]' -r
complete -c routex -n "__fish_routex_using_subcommand restart" -s p -l port -d 'Listen port [default: server.port, 3000]' -r
complete -c routex -n "__fish_routex_using_subcommand restart" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand restart" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand restart" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand restart" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand restart" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand restart" -l allow-unauthenticated -d 'Listen on a non-loopback address with neither client keys nor an admin token'
complete -c routex -n "__fish_routex_using_subcommand restart" -s d -l detach -d 'Run in the background: return once the daemon answers, with its address, pid and log file'
complete -c routex -n "__fish_routex_using_subcommand restart" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand restart" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand restart" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand restart" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand status" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand status" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand status" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand status" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand status" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand status" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand status" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand status" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand env" -l shell -d 'The shell to write for [default: from $SHELL, else bash]' -r -f -a "bash\t'bash (also sh)'
zsh\t'zsh'
fish\t'fish'
powershell\t'PowerShell'"
complete -c routex -n "__fish_routex_using_subcommand env" -l agent -d 'Only what this coding agent needs (Codex: its config.toml provider block and the key variable; Gemini CLI: its base URL, key and auth type) [default: every SDK\'s variables]' -r -f -a "claude\t'Claude Code (`claude`; the Anthropic Messages API)'
codex\t'Codex CLI (`codex`; the OpenAI Responses API)'
gemini\t'Gemini CLI (`gemini`; the Gemini API)'"
complete -c routex -n "__fish_routex_using_subcommand env" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand env" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand env" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand env" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand env" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand env" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand env" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand env" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand env" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand code" -l agent -d 'The coding agent to run' -r -f -a "claude\t'Claude Code (`claude`; the Anthropic Messages API)'
codex\t'Codex CLI (`codex`; the OpenAI Responses API)'
gemini\t'Gemini CLI (`gemini`; the Gemini API)'"
complete -c routex -n "__fish_routex_using_subcommand code" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand code" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand code" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand code" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand code" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand code" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand code" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand code" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand code" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -f -a "list" -d 'List channels'
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -f -a "show" -d 'Show one channel'
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -f -a "add" -d 'Add a channel (asks for missing required fields on a terminal)'
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -f -a "edit" -d 'Change fields of a channel; fields not given stay as they are'
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -f -a "remove" -d 'Remove a channel'
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -f -a "rm" -d 'Remove a channel'
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -f -a "enable" -d 'Let a channel take traffic'
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -f -a "disable" -d 'Stop sending traffic to a channel'
complete -c routex -n "__fish_routex_using_subcommand channel; and not __fish_seen_subcommand_from list show add edit remove rm enable disable help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from list" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from list" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from list" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from list" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from list" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from list" -l show-secrets -d 'Print API keys in full'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from show" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from show" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from show" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from show" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from show" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from show" -l show-secrets -d 'Print API keys in full'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -s n -l name -d 'Unique name' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -s t -l type -d 'Type: anthropic, openai, gemini, azure, zhipu or custom' -r -f -a "anthropic\t''
openai\t''
gemini\t''
azure\t''
zhipu\t''
custom\t''"
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l protocol -d 'Wire protocol (required for custom): anthropic, openai or gemini' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l base-url -d 'Upstream base URL (default per type)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l api-key -d 'API key; repeat for a key pool (prefer --api-key-env: flags show in `ps`)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l api-key-env -d 'Take the key from this environment variable of the daemon, read each time it starts (the name is stored, not the value); repeat for a key pool' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l api-key-from-env -d 'Copy the key\'s value from this environment variable of this command, once (the value is stored, encrypted)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -s m -l models -d 'Models served, comma separated or repeated; globs like \'claude-*\' and \'*\' work' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l map -d 'Rename a requested model upstream: FROM=TO (repeatable)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l priority -d 'Priority: higher is preferred' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l weight -d 'Weight for the weighted strategy (0 or more)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l upstream-header -d 'Extra header sent upstream: NAME=VALUE (repeatable)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l timeout -d 'Upstream timeout to first byte, seconds' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l deployment -d 'Azure deployment name' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l api-version -d 'Azure api-version' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -l disabled -d 'Add it disabled'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -s n -l name -d 'New name' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -s t -l type -d 'Type: anthropic, openai, gemini, azure, zhipu or custom' -r -f -a "anthropic\t''
openai\t''
gemini\t''
azure\t''
zhipu\t''
custom\t''"
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -l protocol -d 'Wire protocol (required for custom): anthropic, openai or gemini' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -l base-url -d 'Upstream base URL (default per type)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -l api-key -d 'API key; repeat for a key pool (prefer --api-key-env: flags show in `ps`)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -l api-key-env -d 'Take the key from this environment variable of the daemon, read each time it starts (the name is stored, not the value); repeat for a key pool' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -l api-key-from-env -d 'Copy the key\'s value from this environment variable of this command, once (the value is stored, encrypted)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -s m -l models -d 'Models served, comma separated or repeated; globs like \'claude-*\' and \'*\' work' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -l map -d 'Rename a requested model upstream: FROM=TO (repeatable)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -l priority -d 'Priority: higher is preferred' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -l weight -d 'Weight for the weighted strategy (0 or more)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -l upstream-header -d 'Extra header sent upstream: NAME=VALUE (repeatable)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -l timeout -d 'Upstream timeout to first byte, seconds' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -l deployment -d 'Azure deployment name' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -l api-version -d 'Azure api-version' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from edit" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from remove" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from remove" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from remove" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from remove" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from remove" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from remove" -s y -l yes -d 'Do not ask for confirmation'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from remove" -l force -d 'Remove it even though routing rules target it (they then route to nothing)'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from rm" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from rm" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from rm" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from rm" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from rm" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from rm" -s y -l yes -d 'Do not ask for confirmation'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from rm" -l force -d 'Remove it even though routing rules target it (they then route to nothing)'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from enable" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from enable" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from enable" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from enable" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from enable" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from enable" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from enable" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from enable" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from disable" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from disable" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from disable" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from disable" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from disable" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from disable" -l force -d 'Disable it even though routing rules target it'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from disable" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from disable" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from disable" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from help" -f -a "list" -d 'List channels'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one channel'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a channel (asks for missing required fields on a terminal)'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Change fields of a channel; fields not given stay as they are'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a channel'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from help" -f -a "enable" -d 'Let a channel take traffic'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Stop sending traffic to a channel'
complete -c routex -n "__fish_routex_using_subcommand channel; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -f -a "list" -d 'List rules in evaluation order'
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -f -a "show" -d 'Show one rule'
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -f -a "add" -d 'Add a rule'
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -f -a "edit" -d 'Change fields of a rule; fields not given stay as they are'
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -f -a "remove" -d 'Remove a rule'
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -f -a "rm" -d 'Remove a rule'
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -f -a "enable" -d 'Let a rule take part in routing'
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -f -a "disable" -d 'Keep a rule but stop it from matching'
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -f -a "test" -d 'Which rule would route a request, why, and to which channel and model (sends nothing)'
complete -c routex -n "__fish_routex_using_subcommand rule; and not __fish_seen_subcommand_from list show add edit remove rm enable disable test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from list" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from list" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from list" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from list" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from list" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from show" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from show" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from show" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from show" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from show" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -s n -l name -d 'Unique name' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -s t -l type -d 'longContext, background, think, webSearch, image, subagent, model, keywords, regex, header or custom' -r -f -a "longContext\t''
background\t''
think\t''
webSearch\t''
image\t''
subagent\t''
model\t''
keywords\t''
regex\t''
header\t''
custom\t''"
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l priority -d 'Higher is evaluated first' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l target-channel -d 'Channel (name or id) to send matching requests to' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l target-model -d 'Model to rewrite matching requests to' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l token-threshold -d 'Prompt size in tokens (cl100k_base) from which longContext matches' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l keywords -d 'Keywords (comma separated) looked for in the last user message, case-insensitive' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l regex -d 'Regular expression searched in the last user message' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l model -d 'Glob over the requested model, e.g. \'claude-*haiku*\'' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l header -d 'A request header whose value matches a glob: NAME=GLOB' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l tool-names -d 'Match requests declaring one of these tools (comma separated)' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l has-images -d 'Match requests that carry images (custom rules)'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l has-tools -d 'Match requests that declare tools (custom rules)'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l thinking -d 'Match requests that enable thinking (custom rules)'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -l disabled -d 'Add it disabled'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -s n -l name -d 'New name' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -s t -l type -d 'New type' -r -f -a "longContext\t''
background\t''
think\t''
webSearch\t''
image\t''
subagent\t''
model\t''
keywords\t''
regex\t''
header\t''
custom\t''"
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -l priority -d 'Higher is evaluated first' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -l target-channel -d 'Channel (name or id) to send matching requests to' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -l target-model -d 'Model to rewrite matching requests to' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -l token-threshold -d 'Prompt size in tokens (cl100k_base) from which longContext matches' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -l keywords -d 'Keywords (comma separated) looked for in the last user message, case-insensitive' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -l regex -d 'Regular expression searched in the last user message' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -l model -d 'Glob over the requested model, e.g. \'claude-*haiku*\'' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -l header -d 'A request header whose value matches a glob: NAME=GLOB' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -l tool-names -d 'Match requests declaring one of these tools (comma separated)' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -l has-images -d 'Match requests that carry images (custom rules)'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -l has-tools -d 'Match requests that declare tools (custom rules)'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -l thinking -d 'Match requests that enable thinking (custom rules)'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from edit" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from remove" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from remove" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from remove" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from remove" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from remove" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from rm" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from rm" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from rm" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from rm" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from rm" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from enable" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from enable" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from enable" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from enable" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from enable" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from enable" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from enable" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from enable" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from disable" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from disable" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from disable" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from disable" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from disable" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from disable" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from disable" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from disable" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from test" -s r -l request -d 'The request body as JSON (`-` for stdin)' -r -F
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from test" -l protocol -d 'The client protocol of the request [default: told from the body\'s shape]' -r -f -a "anthropic\t''
openai\t''"
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from test" -l header -d 'A request header NAME=VALUE (repeatable)' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from test" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from test" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from test" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from test" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from test" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from test" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from test" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from help" -f -a "list" -d 'List rules in evaluation order'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one rule'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a rule'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Change fields of a rule; fields not given stay as they are'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a rule'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from help" -f -a "enable" -d 'Let a rule take part in routing'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Keep a rule but stop it from matching'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from help" -f -a "test" -d 'Which rule would route a request, why, and to which channel and model (sends nothing)'
complete -c routex -n "__fish_routex_using_subcommand rule; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c routex -n "__fish_routex_using_subcommand strategy; and not __fish_seen_subcommand_from get set help" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand strategy; and not __fish_seen_subcommand_from get set help" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand strategy; and not __fish_seen_subcommand_from get set help" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand strategy; and not __fish_seen_subcommand_from get set help" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand strategy; and not __fish_seen_subcommand_from get set help" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand strategy; and not __fish_seen_subcommand_from get set help" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand strategy; and not __fish_seen_subcommand_from get set help" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand strategy; and not __fish_seen_subcommand_from get set help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand strategy; and not __fish_seen_subcommand_from get set help" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand strategy; and not __fish_seen_subcommand_from get set help" -f -a "get" -d 'Print the current strategy and the choices'
complete -c routex -n "__fish_routex_using_subcommand strategy; and not __fish_seen_subcommand_from get set help" -f -a "set" -d 'Switch strategy: priority, round_robin, weighted, least_used or latency'
complete -c routex -n "__fish_routex_using_subcommand strategy; and not __fish_seen_subcommand_from get set help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from get" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from get" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from get" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from get" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from get" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from get" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from set" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from set" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from set" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from set" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from set" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from set" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print the current strategy and the choices'
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from help" -f -a "set" -d 'Switch strategy: priority, round_robin, weighted, least_used or latency'
complete -c routex -n "__fish_routex_using_subcommand strategy; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c routex -n "__fish_routex_using_subcommand lang; and not __fish_seen_subcommand_from get set help" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand lang; and not __fish_seen_subcommand_from get set help" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand lang; and not __fish_seen_subcommand_from get set help" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand lang; and not __fish_seen_subcommand_from get set help" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand lang; and not __fish_seen_subcommand_from get set help" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand lang; and not __fish_seen_subcommand_from get set help" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand lang; and not __fish_seen_subcommand_from get set help" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand lang; and not __fish_seen_subcommand_from get set help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand lang; and not __fish_seen_subcommand_from get set help" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand lang; and not __fish_seen_subcommand_from get set help" -f -a "get" -d 'Print the language in force and the choices'
complete -c routex -n "__fish_routex_using_subcommand lang; and not __fish_seen_subcommand_from get set help" -f -a "set" -d 'Store a language (kept across restarts) and switch a running daemon to it'
complete -c routex -n "__fish_routex_using_subcommand lang; and not __fish_seen_subcommand_from get set help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from get" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from get" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from get" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from get" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from get" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from get" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from set" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from set" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from set" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from set" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from set" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from set" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print the language in force and the choices'
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from help" -f -a "set" -d 'Store a language (kept across restarts) and switch a running daemon to it'
complete -c routex -n "__fish_routex_using_subcommand lang; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c routex -n "__fish_routex_using_subcommand test" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand test" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand test" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand test" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand test" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand test" -l all -d 'Every channel, disabled ones included'
complete -c routex -n "__fish_routex_using_subcommand test" -l enabled -d 'The enabled channels (the default)'
complete -c routex -n "__fish_routex_using_subcommand test" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand test" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand test" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand test" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand setup" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand setup" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand setup" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand setup" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand setup" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand setup" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand setup" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand setup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand setup" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand diagnose" -s c -l config -d 'The config file to check (also what `serve --config` would read)' -r -F
complete -c routex -n "__fish_routex_using_subcommand diagnose" -s p -l port -d 'The port to check [default: server.port of the config, else 3000]' -r
complete -c routex -n "__fish_routex_using_subcommand diagnose" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand diagnose" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand diagnose" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand diagnose" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand diagnose" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand diagnose" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand diagnose" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand diagnose" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand diagnose" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand stats" -l since -d 'The window: an age like 1h, 24h, 7d, or a time (RFC 3339, unix ms)' -r
complete -c routex -n "__fish_routex_using_subcommand stats" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand stats" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand stats" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand stats" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand stats" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand stats" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand stats" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand stats" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand logs" -s l -l limit -d 'How many records (most recent)' -r
complete -c routex -n "__fish_routex_using_subcommand logs" -l channel -d 'Only this channel (name or id)' -r
complete -c routex -n "__fish_routex_using_subcommand logs" -s m -l model -d 'Only models matching this glob' -r
complete -c routex -n "__fish_routex_using_subcommand logs" -s s -l status -d 'Only this status: 200, 5xx, 4xx, success or error' -r
complete -c routex -n "__fish_routex_using_subcommand logs" -l since -d 'Only records since: RFC 3339, unix ms, or relative like 15m, 2h, 7d' -r
complete -c routex -n "__fish_routex_using_subcommand logs" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand logs" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand logs" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand logs" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand logs" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand logs" -s f -l follow -d 'Keep printing new records as they arrive (Ctrl-C to stop)'
complete -c routex -n "__fish_routex_using_subcommand logs" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand logs" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand logs" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand trace; and not __fish_seen_subcommand_from stats list show clear help" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand trace; and not __fish_seen_subcommand_from stats list show clear help" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand trace; and not __fish_seen_subcommand_from stats list show clear help" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand trace; and not __fish_seen_subcommand_from stats list show clear help" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand trace; and not __fish_seen_subcommand_from stats list show clear help" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand trace; and not __fish_seen_subcommand_from stats list show clear help" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand trace; and not __fish_seen_subcommand_from stats list show clear help" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand trace; and not __fish_seen_subcommand_from stats list show clear help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand trace; and not __fish_seen_subcommand_from stats list show clear help" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand trace; and not __fish_seen_subcommand_from stats list show clear help" -f -a "stats" -d 'How many traces are kept, their memory, evictions and OTLP export counts'
complete -c routex -n "__fish_routex_using_subcommand trace; and not __fish_seen_subcommand_from stats list show clear help" -f -a "list" -d 'The newest traces'
complete -c routex -n "__fish_routex_using_subcommand trace; and not __fish_seen_subcommand_from stats list show clear help" -f -a "show" -d 'One trace\'s spans as a waterfall'
complete -c routex -n "__fish_routex_using_subcommand trace; and not __fish_seen_subcommand_from stats list show clear help" -f -a "clear" -d 'Remove traces (all of them, or those older than a duration)'
complete -c routex -n "__fish_routex_using_subcommand trace; and not __fish_seen_subcommand_from stats list show clear help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from stats" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from stats" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from stats" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from stats" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from stats" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from stats" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from stats" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from stats" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from list" -s l -l limit -d 'How many traces (newest first)' -r
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from list" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from list" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from list" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from list" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from list" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from show" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from show" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from show" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from show" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from show" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from clear" -l older-than -d 'Only traces older than this: 500ms, 30s, 15m, 2h, 7d' -r
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from clear" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from clear" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from clear" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from clear" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from clear" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from clear" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from clear" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from clear" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from help" -f -a "stats" -d 'How many traces are kept, their memory, evictions and OTLP export counts'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from help" -f -a "list" -d 'The newest traces'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from help" -f -a "show" -d 'One trace\'s spans as a waterfall'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from help" -f -a "clear" -d 'Remove traces (all of them, or those older than a duration)'
complete -c routex -n "__fish_routex_using_subcommand trace; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -f -a "list" -d 'Every tee: type, destination, filter, and (from a daemon) delivered / dropped / queued'
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -f -a "show" -d 'One tee in full (header values masked)'
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -f -a "add" -d 'Add a tee: copies of finished request records to a file (JSON lines) or a webhook'
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -f -a "edit" -d 'Change a tee\'s settings (only the flags given change)'
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -f -a "remove" -d 'Remove a tee'
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -f -a "enable" -d 'Copy records again'
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -f -a "disable" -d 'Keep the tee but copy nothing'
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -f -a "test" -d 'Send the tee\'s destination one test record now and say whether it took it (exit 1: it did not)'
complete -c routex -n "__fish_routex_using_subcommand tee; and not __fish_seen_subcommand_from list show add edit remove enable disable test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from list" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from list" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from list" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from list" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from list" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from show" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from show" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from show" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from show" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from show" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l type -d 'file or webhook' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l path -d 'File tees: the JSON-lines file (relative paths are under the data directory)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l max-size-mb -d 'File tees: rotate the file past this size, MiB [default: 100]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l keep -d 'File tees: rotated files kept [default: 5]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l url -d 'Webhook tees: the http(s) URL records are POSTed to' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l header -d 'Webhook tees: a header sent with every POST, `Name: value` (repeatable; values are masked in every output, ${VAR} is read from the daemon\'s environment)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l timeout -d 'Webhook tees: seconds to wait for an answer [default: 5]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l retries -d 'Webhook tees: tries after the first, with exponential backoff [default: 3]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l batch-size -d 'Webhook tees: records per POST (more than 1: a JSON array) [default: 1]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l queue-size -d 'Records waiting at most; past it copies are dropped and counted [default: 10000]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l channel -d 'Only records of these channels (name, id or glob; repeatable)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l model -d 'Only records of these models (glob; repeatable)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l status -d 'Only these statuses: a code or a class like 5xx (repeatable)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l sample-rate -d 'The share of matching records copied, 0 to 1' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l success-only -d 'Only successful requests'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l failure-only -d 'Only failed requests'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -l disabled -d 'Add it disabled'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l rename -d 'A new name' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l path -d 'File tees: the JSON-lines file (relative paths are under the data directory)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l max-size-mb -d 'File tees: rotate the file past this size, MiB [default: 100]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l keep -d 'File tees: rotated files kept [default: 5]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l url -d 'Webhook tees: the http(s) URL records are POSTed to' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l header -d 'Webhook tees: a header sent with every POST, `Name: value` (repeatable; values are masked in every output, ${VAR} is read from the daemon\'s environment)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l timeout -d 'Webhook tees: seconds to wait for an answer [default: 5]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l retries -d 'Webhook tees: tries after the first, with exponential backoff [default: 3]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l batch-size -d 'Webhook tees: records per POST (more than 1: a JSON array) [default: 1]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l queue-size -d 'Records waiting at most; past it copies are dropped and counted [default: 10000]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l channel -d 'Only records of these channels (name, id or glob; repeatable)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l model -d 'Only records of these models (glob; repeatable)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l status -d 'Only these statuses: a code or a class like 5xx (repeatable)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l sample-rate -d 'The share of matching records copied, 0 to 1' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l success-only -d 'Only successful requests'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l failure-only -d 'Only failed requests'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -l clear-filter -d 'Remove the filter (copy every record)'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from edit" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from remove" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from remove" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from remove" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from remove" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from remove" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from enable" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from enable" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from enable" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from enable" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from enable" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from enable" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from enable" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from enable" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from disable" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from disable" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from disable" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from disable" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from disable" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from disable" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from disable" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from disable" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from test" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from test" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from test" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from test" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from test" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from test" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from test" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every tee: type, destination, filter, and (from a daemon) delivered / dropped / queued'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from help" -f -a "show" -d 'One tee in full (header values masked)'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a tee: copies of finished request records to a file (JSON lines) or a webhook'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Change a tee\'s settings (only the flags given change)'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a tee'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from help" -f -a "enable" -d 'Copy records again'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Keep the tee but copy nothing'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from help" -f -a "test" -d 'Send the tee\'s destination one test record now and say whether it took it (exit 1: it did not)'
complete -c routex -n "__fish_routex_using_subcommand tee; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c routex -n "__fish_routex_using_subcommand cache; and not __fish_seen_subcommand_from stats config warm invalidate help" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand cache; and not __fish_seen_subcommand_from stats config warm invalidate help" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand cache; and not __fish_seen_subcommand_from stats config warm invalidate help" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand cache; and not __fish_seen_subcommand_from stats config warm invalidate help" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand cache; and not __fish_seen_subcommand_from stats config warm invalidate help" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand cache; and not __fish_seen_subcommand_from stats config warm invalidate help" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand cache; and not __fish_seen_subcommand_from stats config warm invalidate help" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand cache; and not __fish_seen_subcommand_from stats config warm invalidate help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand cache; and not __fish_seen_subcommand_from stats config warm invalidate help" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand cache; and not __fish_seen_subcommand_from stats config warm invalidate help" -f -a "stats" -d 'Warms, when the last one ran and took, what is warm now, refreshes and invalidations'
complete -c routex -n "__fish_routex_using_subcommand cache; and not __fish_seen_subcommand_from stats config warm invalidate help" -f -a "config" -d 'The warmer\'s settings (change them with PUT /api/cache/config)'
complete -c routex -n "__fish_routex_using_subcommand cache; and not __fish_seen_subcommand_from stats config warm invalidate help" -f -a "warm" -d 'Warm now: every configured item, or the ones named (channels, models, routingRules, analytics, connections, tokenizer)'
complete -c routex -n "__fish_routex_using_subcommand cache; and not __fish_seen_subcommand_from stats config warm invalidate help" -f -a "invalidate" -d 'Forget a cache so it is built again (default: all)'
complete -c routex -n "__fish_routex_using_subcommand cache; and not __fish_seen_subcommand_from stats config warm invalidate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from stats" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from stats" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from stats" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from stats" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from stats" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from stats" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from stats" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from stats" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from config" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from config" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from config" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from config" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from config" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from config" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from config" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from config" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from config" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from warm" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from warm" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from warm" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from warm" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from warm" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from warm" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from warm" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from warm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from warm" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from invalidate" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from invalidate" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from invalidate" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from invalidate" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from invalidate" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from invalidate" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from invalidate" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from invalidate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from invalidate" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "stats" -d 'Warms, when the last one ran and took, what is warm now, refreshes and invalidations'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "config" -d 'The warmer\'s settings (change them with PUT /api/cache/config)'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "warm" -d 'Warm now: every configured item, or the ones named (channels, models, routingRules, analytics, connections, tokenizer)'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "invalidate" -d 'Forget a cache so it is built again (default: all)'
complete -c routex -n "__fish_routex_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c routex -n "__fish_routex_using_subcommand export" -s o -l file -d 'Write to this file instead of stdout (replaced atomically if it exists; a symlink is refused)' -r -F
complete -c routex -n "__fish_routex_using_subcommand export" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand export" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand export" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand export" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand export" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand export" -l include-secrets -d 'Put API keys in the document (a file written with -o gets mode 0600)'
complete -c routex -n "__fish_routex_using_subcommand export" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand export" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand export" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand import" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand import" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand import" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand import" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand import" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand import" -l dry-run -d 'Show what would change; write nothing'
complete -c routex -n "__fish_routex_using_subcommand import" -l replace -d 'Remove channels the document does not name (default: merge by name)'
complete -c routex -n "__fish_routex_using_subcommand import" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand import" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand import" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand completions" -l server -d 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)' -r
complete -c routex -n "__fish_routex_using_subcommand completions" -l data-dir -d 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]' -r -F
complete -c routex -n "__fish_routex_using_subcommand completions" -l format -d 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]' -r -f -a "table\t'Human tables'
json\t'JSON, for scripts'
yaml\t'YAML'"
complete -c routex -n "__fish_routex_using_subcommand completions" -l admin-token -d 'Admin token for a daemon that requires one' -r
complete -c routex -n "__fish_routex_using_subcommand completions" -l lang -d 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]' -r
complete -c routex -n "__fish_routex_using_subcommand completions" -s v -l verbose -d 'More log output (-v debug, -vv trace)'
complete -c routex -n "__fish_routex_using_subcommand completions" -s q -l quiet -d 'Only errors'
complete -c routex -n "__fish_routex_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c routex -n "__fish_routex_using_subcommand completions" -s V -l version -d 'Print version'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "serve" -d 'Run the daemon: proxy and admin API on one port (--detach: in the background)'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "stop" -d 'Stop the daemon of this data directory (it finishes in-flight streams first)'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "restart" -d 'Stop the daemon if it runs, then start it in the background with these settings'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "status" -d 'Whether the daemon runs: pid, version, uptime, address, channels up (exit 1: not running)'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "env" -d 'Print the variables that point the SDKs (or one coding agent: --agent) at routex, for eval'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "code" -d 'Run a coding agent through routex (starting the daemon if none runs): routex code -- -p "hi"'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "channel" -d 'Manage upstream channels'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "rule" -d 'Manage routing rules and dry-run a request against them'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "strategy" -d 'Show or switch the load-balancer strategy'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "lang" -d 'Show or set the daemon\'s language (admin API messages): en or zh-CN'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "test" -d 'Send channels a one-token test request and say what works and how to fix what does not (exit 1: a failure)'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "setup" -d 'First-run wizard on a terminal: a provider, its key, a test, the next command'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "diagnose" -d 'Check everything a broken setup needs: store, config, daemon, port, disk, each channel (exit 1: a ✗)'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "stats" -d 'The request log summed up: requests, success rate, latency, tokens, cost, per channel'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "logs" -d 'Show the request log (--follow to keep watching)'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "trace" -d 'Request traces kept by the running daemon: stats, list, show (a waterfall), clear'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "tee" -d 'Copies of finished request records to a file or a webhook: list, add, remove, test'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "cache" -d 'The cache warmer: stats, config, warm, invalidate (with or without a daemon)'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "export" -d 'Write channels and settings to a YAML or JSON document'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "import" -d 'Read channels and settings from a document (or a config file)'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c routex -n "__fish_routex_using_subcommand help; and not __fish_seen_subcommand_from serve stop restart status env code channel rule strategy lang test setup diagnose stats logs trace tee cache export import completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from channel" -f -a "list" -d 'List channels'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from channel" -f -a "show" -d 'Show one channel'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from channel" -f -a "add" -d 'Add a channel (asks for missing required fields on a terminal)'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from channel" -f -a "edit" -d 'Change fields of a channel; fields not given stay as they are'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from channel" -f -a "remove" -d 'Remove a channel'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from channel" -f -a "enable" -d 'Let a channel take traffic'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from channel" -f -a "disable" -d 'Stop sending traffic to a channel'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from rule" -f -a "list" -d 'List rules in evaluation order'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from rule" -f -a "show" -d 'Show one rule'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from rule" -f -a "add" -d 'Add a rule'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from rule" -f -a "edit" -d 'Change fields of a rule; fields not given stay as they are'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from rule" -f -a "remove" -d 'Remove a rule'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from rule" -f -a "enable" -d 'Let a rule take part in routing'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from rule" -f -a "disable" -d 'Keep a rule but stop it from matching'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from rule" -f -a "test" -d 'Which rule would route a request, why, and to which channel and model (sends nothing)'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from strategy" -f -a "get" -d 'Print the current strategy and the choices'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from strategy" -f -a "set" -d 'Switch strategy: priority, round_robin, weighted, least_used or latency'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from lang" -f -a "get" -d 'Print the language in force and the choices'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from lang" -f -a "set" -d 'Store a language (kept across restarts) and switch a running daemon to it'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from trace" -f -a "stats" -d 'How many traces are kept, their memory, evictions and OTLP export counts'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from trace" -f -a "list" -d 'The newest traces'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from trace" -f -a "show" -d 'One trace\'s spans as a waterfall'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from trace" -f -a "clear" -d 'Remove traces (all of them, or those older than a duration)'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from tee" -f -a "list" -d 'Every tee: type, destination, filter, and (from a daemon) delivered / dropped / queued'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from tee" -f -a "show" -d 'One tee in full (header values masked)'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from tee" -f -a "add" -d 'Add a tee: copies of finished request records to a file (JSON lines) or a webhook'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from tee" -f -a "edit" -d 'Change a tee\'s settings (only the flags given change)'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from tee" -f -a "remove" -d 'Remove a tee'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from tee" -f -a "enable" -d 'Copy records again'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from tee" -f -a "disable" -d 'Keep the tee but copy nothing'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from tee" -f -a "test" -d 'Send the tee\'s destination one test record now and say whether it took it (exit 1: it did not)'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "stats" -d 'Warms, when the last one ran and took, what is warm now, refreshes and invalidations'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "config" -d 'The warmer\'s settings (change them with PUT /api/cache/config)'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "warm" -d 'Warm now: every configured item, or the ones named (channels, models, routingRules, analytics, connections, tokenizer)'
complete -c routex -n "__fish_routex_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "invalidate" -d 'Forget a cache so it is built again (default: all)'
