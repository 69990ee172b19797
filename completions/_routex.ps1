
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'routex' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'routex'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'routex' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the daemon: proxy and admin API on one port (--detach: in the background)')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the daemon of this data directory (it finishes in-flight streams first)')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Stop the daemon if it runs, then start it in the background with these settings')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Whether the daemon runs: pid, version, uptime, address, channels up (exit 1: not running)')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the variables that point the SDKs (or one coding agent: --agent) at routex, for eval')
            [CompletionResult]::new('code', 'code', [CompletionResultType]::ParameterValue, 'Run a coding agent through routex (starting the daemon if none runs): routex code -- -p "hi"')
            [CompletionResult]::new('channel', 'channel', [CompletionResultType]::ParameterValue, 'Manage upstream channels')
            [CompletionResult]::new('rule', 'rule', [CompletionResultType]::ParameterValue, 'Manage routing rules and dry-run a request against them')
            [CompletionResult]::new('strategy', 'strategy', [CompletionResultType]::ParameterValue, 'Show or switch the load-balancer strategy')
            [CompletionResult]::new('lang', 'lang', [CompletionResultType]::ParameterValue, 'Show or set the daemon''s language (admin API messages): en or zh-CN')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send channels a one-token test request and say what works and how to fix what does not (exit 1: a failure)')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'First-run wizard on a terminal: a provider, its key, a test, the next command')
            [CompletionResult]::new('diagnose', 'diagnose', [CompletionResultType]::ParameterValue, 'Check everything a broken setup needs: store, config, daemon, port, disk, each channel (exit 1: a ✗)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'The request log summed up: requests, success rate, latency, tokens, cost, per channel')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Show the request log (--follow to keep watching)')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'Request traces kept by the running daemon: stats, list, show (a waterfall), clear')
            [CompletionResult]::new('tee', 'tee', [CompletionResultType]::ParameterValue, 'Copies of finished request records to a file or a webhook: list, add, remove, test')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'The cache warmer: stats, config, warm, invalidate (with or without a daemon)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write channels and settings to a YAML or JSON document')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Read channels and settings from a document (or a config file)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'routex;serve' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Configuration file (YAML)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (YAML)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Listen host [default: server.host, 127.0.0.1]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Listen port [default: server.port, 3000]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Listen port [default: server.port, 3000]')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('--allow-unauthenticated', '--allow-unauthenticated', [CompletionResultType]::ParameterName, 'Listen on a non-loopback address with neither client keys nor an admin token')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Run in the background: return once the daemon answers, with its address, pid and log file')
            [CompletionResult]::new('--detach', '--detach', [CompletionResultType]::ParameterName, 'Run in the background: return once the daemon answers, with its address, pid and log file')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;stop' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;restart' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Configuration file (YAML)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (YAML)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Listen host [default: server.host, 127.0.0.1]')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Listen port [default: server.port, 3000]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Listen port [default: server.port, 3000]')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('--allow-unauthenticated', '--allow-unauthenticated', [CompletionResultType]::ParameterName, 'Listen on a non-loopback address with neither client keys nor an admin token')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Run in the background: return once the daemon answers, with its address, pid and log file')
            [CompletionResult]::new('--detach', '--detach', [CompletionResultType]::ParameterName, 'Run in the background: return once the daemon answers, with its address, pid and log file')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;status' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;env' {
            [CompletionResult]::new('--shell', '--shell', [CompletionResultType]::ParameterName, 'The shell to write for [default: from $SHELL, else bash]')
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Only what this coding agent needs (Codex: its config.toml provider block and the key variable; Gemini CLI: its base URL, key and auth type) [default: every SDK''s variables]')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;code' {
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'The coding agent to run')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;channel' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List channels')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one channel')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a channel (asks for missing required fields on a terminal)')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change fields of a channel; fields not given stay as they are')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a channel')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a channel')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Let a channel take traffic')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Stop sending traffic to a channel')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'routex;channel;list' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print API keys in full')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;channel;show' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print API keys in full')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;channel;add' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Unique name')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Unique name')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Type: anthropic, openai, gemini, azure, zhipu or custom')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Type: anthropic, openai, gemini, azure, zhipu or custom')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'Wire protocol (required for custom): anthropic, openai or gemini')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Upstream base URL (default per type)')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key; repeat for a key pool (prefer --api-key-env: flags show in `ps`)')
            [CompletionResult]::new('--api-key-env', '--api-key-env', [CompletionResultType]::ParameterName, 'Take the key from this environment variable of the daemon, read each time it starts (the name is stored, not the value); repeat for a key pool')
            [CompletionResult]::new('--api-key-from-env', '--api-key-from-env', [CompletionResultType]::ParameterName, 'Copy the key''s value from this environment variable of this command, once (the value is stored, encrypted)')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Models served, comma separated or repeated; globs like ''claude-*'' and ''*'' work')
            [CompletionResult]::new('--models', '--models', [CompletionResultType]::ParameterName, 'Models served, comma separated or repeated; globs like ''claude-*'' and ''*'' work')
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'Rename a requested model upstream: FROM=TO (repeatable)')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'Priority: higher is preferred')
            [CompletionResult]::new('--weight', '--weight', [CompletionResultType]::ParameterName, 'Weight for the weighted strategy (0 or more)')
            [CompletionResult]::new('--upstream-header', '--upstream-header', [CompletionResultType]::ParameterName, 'Extra header sent upstream: NAME=VALUE (repeatable)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upstream timeout to first byte, seconds')
            [CompletionResult]::new('--deployment', '--deployment', [CompletionResultType]::ParameterName, 'Azure deployment name')
            [CompletionResult]::new('--api-version', '--api-version', [CompletionResultType]::ParameterName, 'Azure api-version')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('--disabled', '--disabled', [CompletionResultType]::ParameterName, 'Add it disabled')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;channel;edit' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'New name')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'New name')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Type: anthropic, openai, gemini, azure, zhipu or custom')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Type: anthropic, openai, gemini, azure, zhipu or custom')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'Wire protocol (required for custom): anthropic, openai or gemini')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Upstream base URL (default per type)')
            [CompletionResult]::new('--api-key', '--api-key', [CompletionResultType]::ParameterName, 'API key; repeat for a key pool (prefer --api-key-env: flags show in `ps`)')
            [CompletionResult]::new('--api-key-env', '--api-key-env', [CompletionResultType]::ParameterName, 'Take the key from this environment variable of the daemon, read each time it starts (the name is stored, not the value); repeat for a key pool')
            [CompletionResult]::new('--api-key-from-env', '--api-key-from-env', [CompletionResultType]::ParameterName, 'Copy the key''s value from this environment variable of this command, once (the value is stored, encrypted)')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Models served, comma separated or repeated; globs like ''claude-*'' and ''*'' work')
            [CompletionResult]::new('--models', '--models', [CompletionResultType]::ParameterName, 'Models served, comma separated or repeated; globs like ''claude-*'' and ''*'' work')
            [CompletionResult]::new('--map', '--map', [CompletionResultType]::ParameterName, 'Rename a requested model upstream: FROM=TO (repeatable)')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'Priority: higher is preferred')
            [CompletionResult]::new('--weight', '--weight', [CompletionResultType]::ParameterName, 'Weight for the weighted strategy (0 or more)')
            [CompletionResult]::new('--upstream-header', '--upstream-header', [CompletionResultType]::ParameterName, 'Extra header sent upstream: NAME=VALUE (repeatable)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upstream timeout to first byte, seconds')
            [CompletionResult]::new('--deployment', '--deployment', [CompletionResultType]::ParameterName, 'Azure deployment name')
            [CompletionResult]::new('--api-version', '--api-version', [CompletionResultType]::ParameterName, 'Azure api-version')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;channel;remove' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove it even though routing rules target it (they then route to nothing)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;channel;rm' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Remove it even though routing rules target it (they then route to nothing)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;channel;enable' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;channel;disable' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Disable it even though routing rules target it')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;channel;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List channels')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one channel')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a channel (asks for missing required fields on a terminal)')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change fields of a channel; fields not given stay as they are')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a channel')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Let a channel take traffic')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Stop sending traffic to a channel')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'routex;channel;help;list' {
            break
        }
        'routex;channel;help;show' {
            break
        }
        'routex;channel;help;add' {
            break
        }
        'routex;channel;help;edit' {
            break
        }
        'routex;channel;help;remove' {
            break
        }
        'routex;channel;help;enable' {
            break
        }
        'routex;channel;help;disable' {
            break
        }
        'routex;channel;help;help' {
            break
        }
        'routex;rule' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List rules in evaluation order')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one rule')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a rule')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change fields of a rule; fields not given stay as they are')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a rule')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a rule')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Let a rule take part in routing')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Keep a rule but stop it from matching')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Which rule would route a request, why, and to which channel and model (sends nothing)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'routex;rule;list' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;rule;show' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;rule;add' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Unique name')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Unique name')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'longContext, background, think, webSearch, image, subagent, model, keywords, regex, header or custom')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'longContext, background, think, webSearch, image, subagent, model, keywords, regex, header or custom')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'Higher is evaluated first')
            [CompletionResult]::new('--target-channel', '--target-channel', [CompletionResultType]::ParameterName, 'Channel (name or id) to send matching requests to')
            [CompletionResult]::new('--target-model', '--target-model', [CompletionResultType]::ParameterName, 'Model to rewrite matching requests to')
            [CompletionResult]::new('--token-threshold', '--token-threshold', [CompletionResultType]::ParameterName, 'Prompt size in tokens (cl100k_base) from which longContext matches')
            [CompletionResult]::new('--keywords', '--keywords', [CompletionResultType]::ParameterName, 'Keywords (comma separated) looked for in the last user message, case-insensitive')
            [CompletionResult]::new('--regex', '--regex', [CompletionResultType]::ParameterName, 'Regular expression searched in the last user message')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Glob over the requested model, e.g. ''claude-*haiku*''')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A request header whose value matches a glob: NAME=GLOB')
            [CompletionResult]::new('--tool-names', '--tool-names', [CompletionResultType]::ParameterName, 'Match requests declaring one of these tools (comma separated)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('--has-images', '--has-images', [CompletionResultType]::ParameterName, 'Match requests that carry images (custom rules)')
            [CompletionResult]::new('--has-tools', '--has-tools', [CompletionResultType]::ParameterName, 'Match requests that declare tools (custom rules)')
            [CompletionResult]::new('--thinking', '--thinking', [CompletionResultType]::ParameterName, 'Match requests that enable thinking (custom rules)')
            [CompletionResult]::new('--disabled', '--disabled', [CompletionResultType]::ParameterName, 'Add it disabled')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;rule;edit' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'New name')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'New name')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'New type')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'New type')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'Higher is evaluated first')
            [CompletionResult]::new('--target-channel', '--target-channel', [CompletionResultType]::ParameterName, 'Channel (name or id) to send matching requests to')
            [CompletionResult]::new('--target-model', '--target-model', [CompletionResultType]::ParameterName, 'Model to rewrite matching requests to')
            [CompletionResult]::new('--token-threshold', '--token-threshold', [CompletionResultType]::ParameterName, 'Prompt size in tokens (cl100k_base) from which longContext matches')
            [CompletionResult]::new('--keywords', '--keywords', [CompletionResultType]::ParameterName, 'Keywords (comma separated) looked for in the last user message, case-insensitive')
            [CompletionResult]::new('--regex', '--regex', [CompletionResultType]::ParameterName, 'Regular expression searched in the last user message')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Glob over the requested model, e.g. ''claude-*haiku*''')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A request header whose value matches a glob: NAME=GLOB')
            [CompletionResult]::new('--tool-names', '--tool-names', [CompletionResultType]::ParameterName, 'Match requests declaring one of these tools (comma separated)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('--has-images', '--has-images', [CompletionResultType]::ParameterName, 'Match requests that carry images (custom rules)')
            [CompletionResult]::new('--has-tools', '--has-tools', [CompletionResultType]::ParameterName, 'Match requests that declare tools (custom rules)')
            [CompletionResult]::new('--thinking', '--thinking', [CompletionResultType]::ParameterName, 'Match requests that enable thinking (custom rules)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;rule;remove' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;rule;rm' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;rule;enable' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;rule;disable' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;rule;test' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'The request body as JSON (`-` for stdin)')
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'The request body as JSON (`-` for stdin)')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'The client protocol of the request [default: told from the body''s shape]')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A request header NAME=VALUE (repeatable)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;rule;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List rules in evaluation order')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one rule')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a rule')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change fields of a rule; fields not given stay as they are')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a rule')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Let a rule take part in routing')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Keep a rule but stop it from matching')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Which rule would route a request, why, and to which channel and model (sends nothing)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'routex;rule;help;list' {
            break
        }
        'routex;rule;help;show' {
            break
        }
        'routex;rule;help;add' {
            break
        }
        'routex;rule;help;edit' {
            break
        }
        'routex;rule;help;remove' {
            break
        }
        'routex;rule;help;enable' {
            break
        }
        'routex;rule;help;disable' {
            break
        }
        'routex;rule;help;test' {
            break
        }
        'routex;rule;help;help' {
            break
        }
        'routex;strategy' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the current strategy and the choices')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Switch strategy: priority, round_robin, weighted, least_used or latency')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'routex;strategy;get' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;strategy;set' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;strategy;help' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the current strategy and the choices')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Switch strategy: priority, round_robin, weighted, least_used or latency')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'routex;strategy;help;get' {
            break
        }
        'routex;strategy;help;set' {
            break
        }
        'routex;strategy;help;help' {
            break
        }
        'routex;lang' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the language in force and the choices')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Store a language (kept across restarts) and switch a running daemon to it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'routex;lang;get' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;lang;set' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;lang;help' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the language in force and the choices')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Store a language (kept across restarts) and switch a running daemon to it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'routex;lang;help;get' {
            break
        }
        'routex;lang;help;set' {
            break
        }
        'routex;lang;help;help' {
            break
        }
        'routex;test' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every channel, disabled ones included')
            [CompletionResult]::new('--enabled', '--enabled', [CompletionResultType]::ParameterName, 'The enabled channels (the default)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;setup' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;diagnose' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'The config file to check (also what `serve --config` would read)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The config file to check (also what `serve --config` would read)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The port to check [default: server.port of the config, else 3000]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'The port to check [default: server.port of the config, else 3000]')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;stats' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'The window: an age like 1h, 24h, 7d, or a time (RFC 3339, unix ms)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;logs' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'How many records (most recent)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'How many records (most recent)')
            [CompletionResult]::new('--channel', '--channel', [CompletionResultType]::ParameterName, 'Only this channel (name or id)')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Only models matching this glob')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Only models matching this glob')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Only this status: 200, 5xx, 4xx, success or error')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only this status: 200, 5xx, 4xx, success or error')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only records since: RFC 3339, unix ms, or relative like 15m, 2h, 7d')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new records as they arrive (Ctrl-C to stop)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new records as they arrive (Ctrl-C to stop)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;trace' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'How many traces are kept, their memory, evictions and OTLP export counts')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The newest traces')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One trace''s spans as a waterfall')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove traces (all of them, or those older than a duration)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'routex;trace;stats' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;trace;list' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'How many traces (newest first)')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'How many traces (newest first)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;trace;show' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;trace;clear' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Only traces older than this: 500ms, 30s, 15m, 2h, 7d')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;trace;help' {
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'How many traces are kept, their memory, evictions and OTLP export counts')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The newest traces')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One trace''s spans as a waterfall')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove traces (all of them, or those older than a duration)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'routex;trace;help;stats' {
            break
        }
        'routex;trace;help;list' {
            break
        }
        'routex;trace;help;show' {
            break
        }
        'routex;trace;help;clear' {
            break
        }
        'routex;trace;help;help' {
            break
        }
        'routex;tee' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every tee: type, destination, filter, and (from a daemon) delivered / dropped / queued')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One tee in full (header values masked)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a tee: copies of finished request records to a file (JSON lines) or a webhook')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change a tee''s settings (only the flags given change)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a tee')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Copy records again')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Keep the tee but copy nothing')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send the tee''s destination one test record now and say whether it took it (exit 1: it did not)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'routex;tee;list' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;tee;show' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;tee;add' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'file or webhook')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'File tees: the JSON-lines file (relative paths are under the data directory)')
            [CompletionResult]::new('--max-size-mb', '--max-size-mb', [CompletionResultType]::ParameterName, 'File tees: rotate the file past this size, MiB [default: 100]')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'File tees: rotated files kept [default: 5]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Webhook tees: the http(s) URL records are POSTed to')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Webhook tees: a header sent with every POST, `Name: value` (repeatable; values are masked in every output, ${VAR} is read from the daemon''s environment)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Webhook tees: seconds to wait for an answer [default: 5]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Webhook tees: tries after the first, with exponential backoff [default: 3]')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Webhook tees: records per POST (more than 1: a JSON array) [default: 1]')
            [CompletionResult]::new('--queue-size', '--queue-size', [CompletionResultType]::ParameterName, 'Records waiting at most; past it copies are dropped and counted [default: 10000]')
            [CompletionResult]::new('--channel', '--channel', [CompletionResultType]::ParameterName, 'Only records of these channels (name, id or glob; repeatable)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Only records of these models (glob; repeatable)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only these statuses: a code or a class like 5xx (repeatable)')
            [CompletionResult]::new('--sample-rate', '--sample-rate', [CompletionResultType]::ParameterName, 'The share of matching records copied, 0 to 1')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('--success-only', '--success-only', [CompletionResultType]::ParameterName, 'Only successful requests')
            [CompletionResult]::new('--failure-only', '--failure-only', [CompletionResultType]::ParameterName, 'Only failed requests')
            [CompletionResult]::new('--disabled', '--disabled', [CompletionResultType]::ParameterName, 'Add it disabled')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;tee;edit' {
            [CompletionResult]::new('--rename', '--rename', [CompletionResultType]::ParameterName, 'A new name')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'File tees: the JSON-lines file (relative paths are under the data directory)')
            [CompletionResult]::new('--max-size-mb', '--max-size-mb', [CompletionResultType]::ParameterName, 'File tees: rotate the file past this size, MiB [default: 100]')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'File tees: rotated files kept [default: 5]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Webhook tees: the http(s) URL records are POSTed to')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Webhook tees: a header sent with every POST, `Name: value` (repeatable; values are masked in every output, ${VAR} is read from the daemon''s environment)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Webhook tees: seconds to wait for an answer [default: 5]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Webhook tees: tries after the first, with exponential backoff [default: 3]')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Webhook tees: records per POST (more than 1: a JSON array) [default: 1]')
            [CompletionResult]::new('--queue-size', '--queue-size', [CompletionResultType]::ParameterName, 'Records waiting at most; past it copies are dropped and counted [default: 10000]')
            [CompletionResult]::new('--channel', '--channel', [CompletionResultType]::ParameterName, 'Only records of these channels (name, id or glob; repeatable)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Only records of these models (glob; repeatable)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only these statuses: a code or a class like 5xx (repeatable)')
            [CompletionResult]::new('--sample-rate', '--sample-rate', [CompletionResultType]::ParameterName, 'The share of matching records copied, 0 to 1')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('--success-only', '--success-only', [CompletionResultType]::ParameterName, 'Only successful requests')
            [CompletionResult]::new('--failure-only', '--failure-only', [CompletionResultType]::ParameterName, 'Only failed requests')
            [CompletionResult]::new('--clear-filter', '--clear-filter', [CompletionResultType]::ParameterName, 'Remove the filter (copy every record)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;tee;remove' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;tee;enable' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;tee;disable' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;tee;test' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;tee;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every tee: type, destination, filter, and (from a daemon) delivered / dropped / queued')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One tee in full (header values masked)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a tee: copies of finished request records to a file (JSON lines) or a webhook')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change a tee''s settings (only the flags given change)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a tee')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Copy records again')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Keep the tee but copy nothing')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send the tee''s destination one test record now and say whether it took it (exit 1: it did not)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'routex;tee;help;list' {
            break
        }
        'routex;tee;help;show' {
            break
        }
        'routex;tee;help;add' {
            break
        }
        'routex;tee;help;edit' {
            break
        }
        'routex;tee;help;remove' {
            break
        }
        'routex;tee;help;enable' {
            break
        }
        'routex;tee;help;disable' {
            break
        }
        'routex;tee;help;test' {
            break
        }
        'routex;tee;help;help' {
            break
        }
        'routex;cache' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Warms, when the last one ran and took, what is warm now, refreshes and invalidations')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'The warmer''s settings (change them with PUT /api/cache/config)')
            [CompletionResult]::new('warm', 'warm', [CompletionResultType]::ParameterValue, 'Warm now: every configured item, or the ones named (channels, models, routingRules, analytics, connections, tokenizer)')
            [CompletionResult]::new('invalidate', 'invalidate', [CompletionResultType]::ParameterValue, 'Forget a cache so it is built again (default: all)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'routex;cache;stats' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;cache;config' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;cache;warm' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;cache;invalidate' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;cache;help' {
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Warms, when the last one ran and took, what is warm now, refreshes and invalidations')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'The warmer''s settings (change them with PUT /api/cache/config)')
            [CompletionResult]::new('warm', 'warm', [CompletionResultType]::ParameterValue, 'Warm now: every configured item, or the ones named (channels, models, routingRules, analytics, connections, tokenizer)')
            [CompletionResult]::new('invalidate', 'invalidate', [CompletionResultType]::ParameterValue, 'Forget a cache so it is built again (default: all)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'routex;cache;help;stats' {
            break
        }
        'routex;cache;help;config' {
            break
        }
        'routex;cache;help;warm' {
            break
        }
        'routex;cache;help;invalidate' {
            break
        }
        'routex;cache;help;help' {
            break
        }
        'routex;export' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to this file instead of stdout (replaced atomically if it exists; a symlink is refused)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Write to this file instead of stdout (replaced atomically if it exists; a symlink is refused)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('--include-secrets', '--include-secrets', [CompletionResultType]::ParameterName, 'Put API keys in the document (a file written with -o gets mode 0600)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;import' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would change; write nothing')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Remove channels the document does not name (default: merge by name)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;completions' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Talk to the daemon at this URL (default: the one daemon.json names, else the local store)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory [default: $ROUTEX_HOME, else $XDG_CONFIG_HOME/routex, else ~/.config/routex]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How results print: table (for people), json or yaml (for scripts); `export` writes yaml or json [default: table; for export: yaml]')
            [CompletionResult]::new('--admin-token', '--admin-token', [CompletionResultType]::ParameterName, 'Admin token for a daemon that requires one')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Language of messages and tables: en or zh-CN [default: $LOCALE, else zh-CN when LC_ALL/LC_MESSAGES/LANG say zh_CN, else en; see docs/i18n.md]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'routex;help' {
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the daemon: proxy and admin API on one port (--detach: in the background)')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the daemon of this data directory (it finishes in-flight streams first)')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Stop the daemon if it runs, then start it in the background with these settings')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Whether the daemon runs: pid, version, uptime, address, channels up (exit 1: not running)')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the variables that point the SDKs (or one coding agent: --agent) at routex, for eval')
            [CompletionResult]::new('code', 'code', [CompletionResultType]::ParameterValue, 'Run a coding agent through routex (starting the daemon if none runs): routex code -- -p "hi"')
            [CompletionResult]::new('channel', 'channel', [CompletionResultType]::ParameterValue, 'Manage upstream channels')
            [CompletionResult]::new('rule', 'rule', [CompletionResultType]::ParameterValue, 'Manage routing rules and dry-run a request against them')
            [CompletionResult]::new('strategy', 'strategy', [CompletionResultType]::ParameterValue, 'Show or switch the load-balancer strategy')
            [CompletionResult]::new('lang', 'lang', [CompletionResultType]::ParameterValue, 'Show or set the daemon''s language (admin API messages): en or zh-CN')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send channels a one-token test request and say what works and how to fix what does not (exit 1: a failure)')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'First-run wizard on a terminal: a provider, its key, a test, the next command')
            [CompletionResult]::new('diagnose', 'diagnose', [CompletionResultType]::ParameterValue, 'Check everything a broken setup needs: store, config, daemon, port, disk, each channel (exit 1: a ✗)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'The request log summed up: requests, success rate, latency, tokens, cost, per channel')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Show the request log (--follow to keep watching)')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'Request traces kept by the running daemon: stats, list, show (a waterfall), clear')
            [CompletionResult]::new('tee', 'tee', [CompletionResultType]::ParameterValue, 'Copies of finished request records to a file or a webhook: list, add, remove, test')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'The cache warmer: stats, config, warm, invalidate (with or without a daemon)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write channels and settings to a YAML or JSON document')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Read channels and settings from a document (or a config file)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'routex;help;serve' {
            break
        }
        'routex;help;stop' {
            break
        }
        'routex;help;restart' {
            break
        }
        'routex;help;status' {
            break
        }
        'routex;help;env' {
            break
        }
        'routex;help;code' {
            break
        }
        'routex;help;channel' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List channels')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one channel')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a channel (asks for missing required fields on a terminal)')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change fields of a channel; fields not given stay as they are')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a channel')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Let a channel take traffic')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Stop sending traffic to a channel')
            break
        }
        'routex;help;channel;list' {
            break
        }
        'routex;help;channel;show' {
            break
        }
        'routex;help;channel;add' {
            break
        }
        'routex;help;channel;edit' {
            break
        }
        'routex;help;channel;remove' {
            break
        }
        'routex;help;channel;enable' {
            break
        }
        'routex;help;channel;disable' {
            break
        }
        'routex;help;rule' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List rules in evaluation order')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one rule')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a rule')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change fields of a rule; fields not given stay as they are')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a rule')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Let a rule take part in routing')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Keep a rule but stop it from matching')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Which rule would route a request, why, and to which channel and model (sends nothing)')
            break
        }
        'routex;help;rule;list' {
            break
        }
        'routex;help;rule;show' {
            break
        }
        'routex;help;rule;add' {
            break
        }
        'routex;help;rule;edit' {
            break
        }
        'routex;help;rule;remove' {
            break
        }
        'routex;help;rule;enable' {
            break
        }
        'routex;help;rule;disable' {
            break
        }
        'routex;help;rule;test' {
            break
        }
        'routex;help;strategy' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the current strategy and the choices')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Switch strategy: priority, round_robin, weighted, least_used or latency')
            break
        }
        'routex;help;strategy;get' {
            break
        }
        'routex;help;strategy;set' {
            break
        }
        'routex;help;lang' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the language in force and the choices')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Store a language (kept across restarts) and switch a running daemon to it')
            break
        }
        'routex;help;lang;get' {
            break
        }
        'routex;help;lang;set' {
            break
        }
        'routex;help;test' {
            break
        }
        'routex;help;setup' {
            break
        }
        'routex;help;diagnose' {
            break
        }
        'routex;help;stats' {
            break
        }
        'routex;help;logs' {
            break
        }
        'routex;help;trace' {
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'How many traces are kept, their memory, evictions and OTLP export counts')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The newest traces')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One trace''s spans as a waterfall')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove traces (all of them, or those older than a duration)')
            break
        }
        'routex;help;trace;stats' {
            break
        }
        'routex;help;trace;list' {
            break
        }
        'routex;help;trace;show' {
            break
        }
        'routex;help;trace;clear' {
            break
        }
        'routex;help;tee' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every tee: type, destination, filter, and (from a daemon) delivered / dropped / queued')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One tee in full (header values masked)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a tee: copies of finished request records to a file (JSON lines) or a webhook')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Change a tee''s settings (only the flags given change)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a tee')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Copy records again')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Keep the tee but copy nothing')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Send the tee''s destination one test record now and say whether it took it (exit 1: it did not)')
            break
        }
        'routex;help;tee;list' {
            break
        }
        'routex;help;tee;show' {
            break
        }
        'routex;help;tee;add' {
            break
        }
        'routex;help;tee;edit' {
            break
        }
        'routex;help;tee;remove' {
            break
        }
        'routex;help;tee;enable' {
            break
        }
        'routex;help;tee;disable' {
            break
        }
        'routex;help;tee;test' {
            break
        }
        'routex;help;cache' {
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Warms, when the last one ran and took, what is warm now, refreshes and invalidations')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'The warmer''s settings (change them with PUT /api/cache/config)')
            [CompletionResult]::new('warm', 'warm', [CompletionResultType]::ParameterValue, 'Warm now: every configured item, or the ones named (channels, models, routingRules, analytics, connections, tokenizer)')
            [CompletionResult]::new('invalidate', 'invalidate', [CompletionResultType]::ParameterValue, 'Forget a cache so it is built again (default: all)')
            break
        }
        'routex;help;cache;stats' {
            break
        }
        'routex;help;cache;config' {
            break
        }
        'routex;help;cache;warm' {
            break
        }
        'routex;help;cache;invalidate' {
            break
        }
        'routex;help;export' {
            break
        }
        'routex;help;import' {
            break
        }
        'routex;help;completions' {
            break
        }
        'routex;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
