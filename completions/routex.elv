
use builtin;
use str;

set edit:completion:arg-completer[routex] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'routex'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'routex'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand serve 'Run the daemon: proxy and admin API on one port (--detach: in the background)'
            cand stop 'Stop the daemon of this data directory (it finishes in-flight streams first)'
            cand restart 'Stop the daemon if it runs, then start it in the background with these settings'
            cand status 'Whether the daemon runs: pid, version, uptime, address, channels up (exit 1: not running)'
            cand env 'Print the variables that point the SDKs (or one coding agent: --agent) at routex, for eval'
            cand code 'Run a coding agent through routex (starting the daemon if none runs): routex code -- -p "hi"'
            cand channel 'Manage upstream channels'
            cand rule 'Manage routing rules and dry-run a request against them'
            cand strategy 'Show or switch the load-balancer strategy'
            cand lang 'Show or set the daemon''s language (admin API messages): en or zh-CN'
            cand test 'Send channels a one-token test request and say what works and how to fix what does not (exit 1: a failure)'
            cand setup 'First-run wizard on a terminal: a provider, its key, a test, the next command'
            cand diagnose 'Check everything a broken setup needs: store, config, daemon, port, disk, each channel (exit 1: a ✗)'
            cand stats 'The request log summed up: requests, success rate, latency, tokens, cost, per channel'
            cand logs 'Show the request log (--follow to keep watching)'
            cand trace 'Request traces kept by the running daemon: stats, list, show (a waterfall), clear'
            cand tee 'Copies of finished request records to a file or a webhook: list, add, remove, test'
            cand cache 'The cache warmer: stats, config, warm, invalidate (with or without a daemon)'
            cand export 'Write channels and settings to a YAML or JSON document'
            cand import 'Read channels and settings from a document (or a config file)'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'routex;serve'= {
            cand -c 'Configuration file (YAML)'
            cand --config 'Configuration file (YAML)'
            cand --host 'Listen host [default: server.host, 127.0.0.1]'
            cand -p 'Listen port [default: server.port, 3000]'
            cand --port 'Listen port [default: server.port, 3000]'
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand --allow-unauthenticated 'Listen on a non-loopback address with neither client keys nor an admin token'
            cand -d 'Run in the background: return once the daemon answers, with its address, pid and log file'
            cand --detach 'Run in the background: return once the daemon answers, with its address, pid and log file'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;stop'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;restart'= {
            cand -c 'Configuration file (YAML)'
            cand --config 'Configuration file (YAML)'
            cand --host 'Listen host [default: server.host, 127.0.0.1]'
            cand -p 'Listen port [default: server.port, 3000]'
            cand --port 'Listen port [default: server.port, 3000]'
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand --allow-unauthenticated 'Listen on a non-loopback address with neither client keys nor an admin token'
            cand -d 'Run in the background: return once the daemon answers, with its address, pid and log file'
            cand --detach 'Run in the background: return once the daemon answers, with its address, pid and log file'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;status'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;env'= {
            cand --shell 'The shell to write for [default: from $SHELL, else bash]'
            cand --agent 'Only what this coding agent needs (Codex: its config.toml provider block and the key variable; Gemini CLI: its base URL, key and auth type) [default: every SDK''s variables]'
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;code'= {
            cand --agent 'The coding agent to run'
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;channel'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List channels'
            cand show 'Show one channel'
            cand add 'Add a channel (asks for missing required fields on a terminal)'
            cand edit 'Change fields of a channel; fields not given stay as they are'
            cand remove 'Remove a channel'
            cand rm 'Remove a channel'
            cand enable 'Let a channel take traffic'
            cand disable 'Stop sending traffic to a channel'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'routex;channel;list'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand --show-secrets 'Print API keys in full'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;channel;show'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand --show-secrets 'Print API keys in full'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;channel;add'= {
            cand -n 'Unique name'
            cand --name 'Unique name'
            cand -t 'Type: anthropic, openai, gemini, azure, zhipu or custom'
            cand --type 'Type: anthropic, openai, gemini, azure, zhipu or custom'
            cand --protocol 'Wire protocol (required for custom): anthropic, openai or gemini'
            cand --base-url 'Upstream base URL (default per type)'
            cand --api-key 'API key; repeat for a key pool (prefer --api-key-env: flags show in `ps`)'
            cand --api-key-env 'Take the key from this environment variable of the daemon, read each time it starts (the name is stored, not the value); repeat for a key pool'
            cand --api-key-from-env 'Copy the key''s value from this environment variable of this command, once (the value is stored, encrypted)'
            cand -m 'Models served, comma separated or repeated; globs like ''claude-*'' and ''*'' work'
            cand --models 'Models served, comma separated or repeated; globs like ''claude-*'' and ''*'' work'
            cand --map 'Rename a requested model upstream: FROM=TO (repeatable)'
            cand --priority 'Priority: higher is preferred'
            cand --weight 'Weight for the weighted strategy (0 or more)'
            cand --upstream-header 'Extra header sent upstream: NAME=VALUE (repeatable)'
            cand --timeout 'Upstream timeout to first byte, seconds'
            cand --deployment 'Azure deployment name'
            cand --api-version 'Azure api-version'
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand --disabled 'Add it disabled'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;channel;edit'= {
            cand -n 'New name'
            cand --name 'New name'
            cand -t 'Type: anthropic, openai, gemini, azure, zhipu or custom'
            cand --type 'Type: anthropic, openai, gemini, azure, zhipu or custom'
            cand --protocol 'Wire protocol (required for custom): anthropic, openai or gemini'
            cand --base-url 'Upstream base URL (default per type)'
            cand --api-key 'API key; repeat for a key pool (prefer --api-key-env: flags show in `ps`)'
            cand --api-key-env 'Take the key from this environment variable of the daemon, read each time it starts (the name is stored, not the value); repeat for a key pool'
            cand --api-key-from-env 'Copy the key''s value from this environment variable of this command, once (the value is stored, encrypted)'
            cand -m 'Models served, comma separated or repeated; globs like ''claude-*'' and ''*'' work'
            cand --models 'Models served, comma separated or repeated; globs like ''claude-*'' and ''*'' work'
            cand --map 'Rename a requested model upstream: FROM=TO (repeatable)'
            cand --priority 'Priority: higher is preferred'
            cand --weight 'Weight for the weighted strategy (0 or more)'
            cand --upstream-header 'Extra header sent upstream: NAME=VALUE (repeatable)'
            cand --timeout 'Upstream timeout to first byte, seconds'
            cand --deployment 'Azure deployment name'
            cand --api-version 'Azure api-version'
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;channel;remove'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --force 'Remove it even though routing rules target it (they then route to nothing)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;channel;rm'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --force 'Remove it even though routing rules target it (they then route to nothing)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;channel;enable'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;channel;disable'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand --force 'Disable it even though routing rules target it'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;channel;help'= {
            cand list 'List channels'
            cand show 'Show one channel'
            cand add 'Add a channel (asks for missing required fields on a terminal)'
            cand edit 'Change fields of a channel; fields not given stay as they are'
            cand remove 'Remove a channel'
            cand enable 'Let a channel take traffic'
            cand disable 'Stop sending traffic to a channel'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'routex;channel;help;list'= {
        }
        &'routex;channel;help;show'= {
        }
        &'routex;channel;help;add'= {
        }
        &'routex;channel;help;edit'= {
        }
        &'routex;channel;help;remove'= {
        }
        &'routex;channel;help;enable'= {
        }
        &'routex;channel;help;disable'= {
        }
        &'routex;channel;help;help'= {
        }
        &'routex;rule'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List rules in evaluation order'
            cand show 'Show one rule'
            cand add 'Add a rule'
            cand edit 'Change fields of a rule; fields not given stay as they are'
            cand remove 'Remove a rule'
            cand rm 'Remove a rule'
            cand enable 'Let a rule take part in routing'
            cand disable 'Keep a rule but stop it from matching'
            cand test 'Which rule would route a request, why, and to which channel and model (sends nothing)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'routex;rule;list'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;rule;show'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;rule;add'= {
            cand -n 'Unique name'
            cand --name 'Unique name'
            cand -t 'longContext, background, think, webSearch, image, subagent, model, keywords, regex, header or custom'
            cand --type 'longContext, background, think, webSearch, image, subagent, model, keywords, regex, header or custom'
            cand --priority 'Higher is evaluated first'
            cand --target-channel 'Channel (name or id) to send matching requests to'
            cand --target-model 'Model to rewrite matching requests to'
            cand --token-threshold 'Prompt size in tokens (cl100k_base) from which longContext matches'
            cand --keywords 'Keywords (comma separated) looked for in the last user message, case-insensitive'
            cand --regex 'Regular expression searched in the last user message'
            cand --model 'Glob over the requested model, e.g. ''claude-*haiku*'''
            cand --header 'A request header whose value matches a glob: NAME=GLOB'
            cand --tool-names 'Match requests declaring one of these tools (comma separated)'
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand --has-images 'Match requests that carry images (custom rules)'
            cand --has-tools 'Match requests that declare tools (custom rules)'
            cand --thinking 'Match requests that enable thinking (custom rules)'
            cand --disabled 'Add it disabled'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;rule;edit'= {
            cand -n 'New name'
            cand --name 'New name'
            cand -t 'New type'
            cand --type 'New type'
            cand --priority 'Higher is evaluated first'
            cand --target-channel 'Channel (name or id) to send matching requests to'
            cand --target-model 'Model to rewrite matching requests to'
            cand --token-threshold 'Prompt size in tokens (cl100k_base) from which longContext matches'
            cand --keywords 'Keywords (comma separated) looked for in the last user message, case-insensitive'
            cand --regex 'Regular expression searched in the last user message'
            cand --model 'Glob over the requested model, e.g. ''claude-*haiku*'''
            cand --header 'A request header whose value matches a glob: NAME=GLOB'
            cand --tool-names 'Match requests declaring one of these tools (comma separated)'
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand --has-images 'Match requests that carry images (custom rules)'
            cand --has-tools 'Match requests that declare tools (custom rules)'
            cand --thinking 'Match requests that enable thinking (custom rules)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;rule;remove'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;rule;rm'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;rule;enable'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;rule;disable'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;rule;test'= {
            cand -r 'The request body as JSON (`-` for stdin)'
            cand --request 'The request body as JSON (`-` for stdin)'
            cand --protocol 'The client protocol of the request [default: told from the body''s shape]'
            cand --header 'A request header NAME=VALUE (repeatable)'
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;rule;help'= {
            cand list 'List rules in evaluation order'
            cand show 'Show one rule'
            cand add 'Add a rule'
            cand edit 'Change fields of a rule; fields not given stay as they are'
            cand remove 'Remove a rule'
            cand enable 'Let a rule take part in routing'
            cand disable 'Keep a rule but stop it from matching'
            cand test 'Which rule would route a request, why, and to which channel and model (sends nothing)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'routex;rule;help;list'= {
        }
        &'routex;rule;help;show'= {
        }
        &'routex;rule;help;add'= {
        }
        &'routex;rule;help;edit'= {
        }
        &'routex;rule;help;remove'= {
        }
        &'routex;rule;help;enable'= {
        }
        &'routex;rule;help;disable'= {
        }
        &'routex;rule;help;test'= {
        }
        &'routex;rule;help;help'= {
        }
        &'routex;strategy'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand get 'Print the current strategy and the choices'
            cand set 'Switch strategy: priority, round_robin, weighted, least_used or latency'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'routex;strategy;get'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;strategy;set'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;strategy;help'= {
            cand get 'Print the current strategy and the choices'
            cand set 'Switch strategy: priority, round_robin, weighted, least_used or latency'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'routex;strategy;help;get'= {
        }
        &'routex;strategy;help;set'= {
        }
        &'routex;strategy;help;help'= {
        }
        &'routex;lang'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand get 'Print the language in force and the choices'
            cand set 'Store a language (kept across restarts) and switch a running daemon to it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'routex;lang;get'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;lang;set'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;lang;help'= {
            cand get 'Print the language in force and the choices'
            cand set 'Store a language (kept across restarts) and switch a running daemon to it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'routex;lang;help;get'= {
        }
        &'routex;lang;help;set'= {
        }
        &'routex;lang;help;help'= {
        }
        &'routex;test'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand --all 'Every channel, disabled ones included'
            cand --enabled 'The enabled channels (the default)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;setup'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;diagnose'= {
            cand -c 'The config file to check (also what `serve --config` would read)'
            cand --config 'The config file to check (also what `serve --config` would read)'
            cand -p 'The port to check [default: server.port of the config, else 3000]'
            cand --port 'The port to check [default: server.port of the config, else 3000]'
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;stats'= {
            cand --since 'The window: an age like 1h, 24h, 7d, or a time (RFC 3339, unix ms)'
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;logs'= {
            cand -l 'How many records (most recent)'
            cand --limit 'How many records (most recent)'
            cand --channel 'Only this channel (name or id)'
            cand -m 'Only models matching this glob'
            cand --model 'Only models matching this glob'
            cand -s 'Only this status: 200, 5xx, 4xx, success or error'
            cand --status 'Only this status: 200, 5xx, 4xx, success or error'
            cand --since 'Only records since: RFC 3339, unix ms, or relative like 15m, 2h, 7d'
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -f 'Keep printing new records as they arrive (Ctrl-C to stop)'
            cand --follow 'Keep printing new records as they arrive (Ctrl-C to stop)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;trace'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand stats 'How many traces are kept, their memory, evictions and OTLP export counts'
            cand list 'The newest traces'
            cand show 'One trace''s spans as a waterfall'
            cand clear 'Remove traces (all of them, or those older than a duration)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'routex;trace;stats'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;trace;list'= {
            cand -l 'How many traces (newest first)'
            cand --limit 'How many traces (newest first)'
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;trace;show'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;trace;clear'= {
            cand --older-than 'Only traces older than this: 500ms, 30s, 15m, 2h, 7d'
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;trace;help'= {
            cand stats 'How many traces are kept, their memory, evictions and OTLP export counts'
            cand list 'The newest traces'
            cand show 'One trace''s spans as a waterfall'
            cand clear 'Remove traces (all of them, or those older than a duration)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'routex;trace;help;stats'= {
        }
        &'routex;trace;help;list'= {
        }
        &'routex;trace;help;show'= {
        }
        &'routex;trace;help;clear'= {
        }
        &'routex;trace;help;help'= {
        }
        &'routex;tee'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Every tee: type, destination, filter, and (from a daemon) delivered / dropped / queued'
            cand show 'One tee in full (header values masked)'
            cand add 'Add a tee: copies of finished request records to a file (JSON lines) or a webhook'
            cand edit 'Change a tee''s settings (only the flags given change)'
            cand remove 'Remove a tee'
            cand enable 'Copy records again'
            cand disable 'Keep the tee but copy nothing'
            cand test 'Send the tee''s destination one test record now and say whether it took it (exit 1: it did not)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'routex;tee;list'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;tee;show'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;tee;add'= {
            cand --type 'file or webhook'
            cand --path 'File tees: the JSON-lines file (relative paths are under the data directory)'
            cand --max-size-mb 'File tees: rotate the file past this size, MiB [default: 100]'
            cand --keep 'File tees: rotated files kept [default: 5]'
            cand --url 'Webhook tees: the http(s) URL records are POSTed to'
            cand --header 'Webhook tees: a header sent with every POST, `Name: value` (repeatable; values are masked in every output, ${VAR} is read from the daemon''s environment)'
            cand --timeout 'Webhook tees: seconds to wait for an answer [default: 5]'
            cand --retries 'Webhook tees: tries after the first, with exponential backoff [default: 3]'
            cand --batch-size 'Webhook tees: records per POST (more than 1: a JSON array) [default: 1]'
            cand --queue-size 'Records waiting at most; past it copies are dropped and counted [default: 10000]'
            cand --channel 'Only records of these channels (name, id or glob; repeatable)'
            cand --model 'Only records of these models (glob; repeatable)'
            cand --status 'Only these statuses: a code or a class like 5xx (repeatable)'
            cand --sample-rate 'The share of matching records copied, 0 to 1'
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand --success-only 'Only successful requests'
            cand --failure-only 'Only failed requests'
            cand --disabled 'Add it disabled'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;tee;edit'= {
            cand --rename 'A new name'
            cand --path 'File tees: the JSON-lines file (relative paths are under the data directory)'
            cand --max-size-mb 'File tees: rotate the file past this size, MiB [default: 100]'
            cand --keep 'File tees: rotated files kept [default: 5]'
            cand --url 'Webhook tees: the http(s) URL records are POSTed to'
            cand --header 'Webhook tees: a header sent with every POST, `Name: value` (repeatable; values are masked in every output, ${VAR} is read from the daemon''s environment)'
            cand --timeout 'Webhook tees: seconds to wait for an answer [default: 5]'
            cand --retries 'Webhook tees: tries after the first, with exponential backoff [default: 3]'
            cand --batch-size 'Webhook tees: records per POST (more than 1: a JSON array) [default: 1]'
            cand --queue-size 'Records waiting at most; past it copies are dropped and counted [default: 10000]'
            cand --channel 'Only records of these channels (name, id or glob; repeatable)'
            cand --model 'Only records of these models (glob; repeatable)'
            cand --status 'Only these statuses: a code or a class like 5xx (repeatable)'
            cand --sample-rate 'The share of matching records copied, 0 to 1'
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand --success-only 'Only successful requests'
            cand --failure-only 'Only failed requests'
            cand --clear-filter 'Remove the filter (copy every record)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;tee;remove'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;tee;enable'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;tee;disable'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;tee;test'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;tee;help'= {
            cand list 'Every tee: type, destination, filter, and (from a daemon) delivered / dropped / queued'
            cand show 'One tee in full (header values masked)'
            cand add 'Add a tee: copies of finished request records to a file (JSON lines) or a webhook'
            cand edit 'Change a tee''s settings (only the flags given change)'
            cand remove 'Remove a tee'
            cand enable 'Copy records again'
            cand disable 'Keep the tee but copy nothing'
            cand test 'Send the tee''s destination one test record now and say whether it took it (exit 1: it did not)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'routex;tee;help;list'= {
        }
        &'routex;tee;help;show'= {
        }
        &'routex;tee;help;add'= {
        }
        &'routex;tee;help;edit'= {
        }
        &'routex;tee;help;remove'= {
        }
        &'routex;tee;help;enable'= {
        }
        &'routex;tee;help;disable'= {
        }
        &'routex;tee;help;test'= {
        }
        &'routex;tee;help;help'= {
        }
        &'routex;cache'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand stats 'Warms, when the last one ran and took, what is warm now, refreshes and invalidations'
            cand config 'The warmer''s settings (change them with PUT /api/cache/config)'
            cand warm 'Warm now: every configured item, or the ones named (channels, models, routingRules, analytics, connections, tokenizer)'
            cand invalidate 'Forget a cache so it is built again (default: all)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'routex;cache;stats'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;cache;config'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;cache;warm'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;cache;invalidate'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;cache;help'= {
            cand stats 'Warms, when the last one ran and took, what is warm now, refreshes and invalidations'
            cand config 'The warmer''s settings (change them with PUT /api/cache/config)'
            cand warm 'Warm now: every configured item, or the ones named (channels, models, routingRules, analytics, connections, tokenizer)'
            cand invalidate 'Forget a cache so it is built again (default: all)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'routex;cache;help;stats'= {
        }
        &'routex;cache;help;config'= {
        }
        &'routex;cache;help;warm'= {
        }
        &'routex;cache;help;invalidate'= {
        }
        &'routex;cache;help;help'= {
        }
        &'routex;export'= {
            cand -o 'Write to this file instead of stdout (replaced atomically if it exists; a symlink is refused)'
            cand --file 'Write to this file instead of stdout (replaced atomically if it exists; a symlink is refused)'
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand --include-secrets 'Put API keys in the document (a file written with -o gets mode 0600)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;import'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand --dry-run 'Show what would change; write nothing'
            cand --replace 'Remove channels the document does not name (default: merge by name)'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;completions'= {
            cand --server 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)'
            cand --data-dir 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]'
            cand --format 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]'
            cand --admin-token 'Admin token for a daemon that requires one'
            cand --lang 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]'
            cand -v 'More log output (-v debug, -vv trace)'
            cand --verbose 'More log output (-v debug, -vv trace)'
            cand -q 'Only errors'
            cand --quiet 'Only errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'routex;help'= {
            cand serve 'Run the daemon: proxy and admin API on one port (--detach: in the background)'
            cand stop 'Stop the daemon of this data directory (it finishes in-flight streams first)'
            cand restart 'Stop the daemon if it runs, then start it in the background with these settings'
            cand status 'Whether the daemon runs: pid, version, uptime, address, channels up (exit 1: not running)'
            cand env 'Print the variables that point the SDKs (or one coding agent: --agent) at routex, for eval'
            cand code 'Run a coding agent through routex (starting the daemon if none runs): routex code -- -p "hi"'
            cand channel 'Manage upstream channels'
            cand rule 'Manage routing rules and dry-run a request against them'
            cand strategy 'Show or switch the load-balancer strategy'
            cand lang 'Show or set the daemon''s language (admin API messages): en or zh-CN'
            cand test 'Send channels a one-token test request and say what works and how to fix what does not (exit 1: a failure)'
            cand setup 'First-run wizard on a terminal: a provider, its key, a test, the next command'
            cand diagnose 'Check everything a broken setup needs: store, config, daemon, port, disk, each channel (exit 1: a ✗)'
            cand stats 'The request log summed up: requests, success rate, latency, tokens, cost, per channel'
            cand logs 'Show the request log (--follow to keep watching)'
            cand trace 'Request traces kept by the running daemon: stats, list, show (a waterfall), clear'
            cand tee 'Copies of finished request records to a file or a webhook: list, add, remove, test'
            cand cache 'The cache warmer: stats, config, warm, invalidate (with or without a daemon)'
            cand export 'Write channels and settings to a YAML or JSON document'
            cand import 'Read channels and settings from a document (or a config file)'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'routex;help;serve'= {
        }
        &'routex;help;stop'= {
        }
        &'routex;help;restart'= {
        }
        &'routex;help;status'= {
        }
        &'routex;help;env'= {
        }
        &'routex;help;code'= {
        }
        &'routex;help;channel'= {
            cand list 'List channels'
            cand show 'Show one channel'
            cand add 'Add a channel (asks for missing required fields on a terminal)'
            cand edit 'Change fields of a channel; fields not given stay as they are'
            cand remove 'Remove a channel'
            cand enable 'Let a channel take traffic'
            cand disable 'Stop sending traffic to a channel'
        }
        &'routex;help;channel;list'= {
        }
        &'routex;help;channel;show'= {
        }
        &'routex;help;channel;add'= {
        }
        &'routex;help;channel;edit'= {
        }
        &'routex;help;channel;remove'= {
        }
        &'routex;help;channel;enable'= {
        }
        &'routex;help;channel;disable'= {
        }
        &'routex;help;rule'= {
            cand list 'List rules in evaluation order'
            cand show 'Show one rule'
            cand add 'Add a rule'
            cand edit 'Change fields of a rule; fields not given stay as they are'
            cand remove 'Remove a rule'
            cand enable 'Let a rule take part in routing'
            cand disable 'Keep a rule but stop it from matching'
            cand test 'Which rule would route a request, why, and to which channel and model (sends nothing)'
        }
        &'routex;help;rule;list'= {
        }
        &'routex;help;rule;show'= {
        }
        &'routex;help;rule;add'= {
        }
        &'routex;help;rule;edit'= {
        }
        &'routex;help;rule;remove'= {
        }
        &'routex;help;rule;enable'= {
        }
        &'routex;help;rule;disable'= {
        }
        &'routex;help;rule;test'= {
        }
        &'routex;help;strategy'= {
            cand get 'Print the current strategy and the choices'
            cand set 'Switch strategy: priority, round_robin, weighted, least_used or latency'
        }
        &'routex;help;strategy;get'= {
        }
        &'routex;help;strategy;set'= {
        }
        &'routex;help;lang'= {
            cand get 'Print the language in force and the choices'
            cand set 'Store a language (kept across restarts) and switch a running daemon to it'
        }
        &'routex;help;lang;get'= {
        }
        &'routex;help;lang;set'= {
        }
        &'routex;help;test'= {
        }
        &'routex;help;setup'= {
        }
        &'routex;help;diagnose'= {
        }
        &'routex;help;stats'= {
        }
        &'routex;help;logs'= {
        }
        &'routex;help;trace'= {
            cand stats 'How many traces are kept, their memory, evictions and OTLP export counts'
            cand list 'The newest traces'
            cand show 'One trace''s spans as a waterfall'
            cand clear 'Remove traces (all of them, or those older than a duration)'
        }
        &'routex;help;trace;stats'= {
        }
        &'routex;help;trace;list'= {
        }
        &'routex;help;trace;show'= {
        }
        &'routex;help;trace;clear'= {
        }
        &'routex;help;tee'= {
            cand list 'Every tee: type, destination, filter, and (from a daemon) delivered / dropped / queued'
            cand show 'One tee in full (header values masked)'
            cand add 'Add a tee: copies of finished request records to a file (JSON lines) or a webhook'
            cand edit 'Change a tee''s settings (only the flags given change)'
            cand remove 'Remove a tee'
            cand enable 'Copy records again'
            cand disable 'Keep the tee but copy nothing'
            cand test 'Send the tee''s destination one test record now and say whether it took it (exit 1: it did not)'
        }
        &'routex;help;tee;list'= {
        }
        &'routex;help;tee;show'= {
        }
        &'routex;help;tee;add'= {
        }
        &'routex;help;tee;edit'= {
        }
        &'routex;help;tee;remove'= {
        }
        &'routex;help;tee;enable'= {
        }
        &'routex;help;tee;disable'= {
        }
        &'routex;help;tee;test'= {
        }
        &'routex;help;cache'= {
            cand stats 'Warms, when the last one ran and took, what is warm now, refreshes and invalidations'
            cand config 'The warmer''s settings (change them with PUT /api/cache/config)'
            cand warm 'Warm now: every configured item, or the ones named (channels, models, routingRules, analytics, connections, tokenizer)'
            cand invalidate 'Forget a cache so it is built again (default: all)'
        }
        &'routex;help;cache;stats'= {
        }
        &'routex;help;cache;config'= {
        }
        &'routex;help;cache;warm'= {
        }
        &'routex;help;cache;invalidate'= {
        }
        &'routex;help;export'= {
        }
        &'routex;help;import'= {
        }
        &'routex;help;completions'= {
        }
        &'routex;help;help'= {
        }
    ]
    $completions[$command]
}
