//! The planls extension for Zed: starts the planls language server for
//! Markdown files and answers its configuration requests with the
//! `lsp.planls.settings` object of Zed's settings.

use zed_extension_api::{self as zed, serde_json, settings::LspSettings, LanguageServerId, Result};

/// The extension; it keeps no state.
struct Planls;

impl zed::Extension for Planls {
    fn new() -> Self {
        Planls
    }

    /// Starts `lsp.planls.binary.path` when set, else `planls` from the
    /// worktree's PATH.
    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree("planls", worktree)
            .ok()
            .and_then(|s| s.binary);
        let path = binary
            .as_ref()
            .and_then(|b| b.path.clone())
            .or_else(|| worktree.which("planls"))
            .ok_or_else(|| {
                "planls is not on PATH: install it with `go install github.com/planls/planls/cmd/planls@latest`, \
                 or set lsp.planls.binary.path"
                    .to_string()
            })?;
        let args = binary.and_then(|b| b.arguments).unwrap_or_default();
        Ok(zed::Command {
            command: path,
            args,
            env: worktree.shell_env(),
        })
    }

    /// Answers workspace/configuration: section "planls" is
    /// `lsp.planls.settings` (only what the user set, so .planls.json applies
    /// to the rest).
    fn language_server_workspace_configuration(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        let settings = LspSettings::for_worktree("planls", worktree)
            .ok()
            .and_then(|s| s.settings)
            .unwrap_or_else(|| serde_json::json!({}));
        Ok(Some(serde_json::json!({ "planls": settings })))
    }
}

zed::register_extension!(Planls);
