;;; eglot-smoke.el --- smoke test of planls in Emacs with eglot  -*- lexical-binding: t -*-

;; This file is a smoke test of the Emacs configuration that editors/README.md
;; documents, run by editors/test:
;;
;;   PLANLS_BIN=/tmp/planls PLANLS_TMP=/tmp/x emacs --batch -Q -l editors/emacs/eglot-smoke.el
;;
;; It loads Debian's eglot and markdown-mode (elpa-eglot, elpa-markdown-mode),
;; applies the README's configuration (eglot-server-programs entry and
;; eglot-ensure on markdown-mode), opens a small plan with a duplicate CJK task,
;; a dead anchor after CJK text and a done task in an open section, and checks
;; that flymake shows planls's diagnostics at the right character columns, that
;; a setting in `eglot-workspace-configuration' reaches the server, and that
;; saving with the README's before-save-hook (`eglot-format-buffer') writes the
;; fix-all edits.  Every wait has a
;; timeout; Emacs exits with status 1 when a check fails.

(require 'package)
;; -Q skips Debian's startup files, which would add its ELPA folder.
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(require 'cl-lib)

(defvar planls-smoke-failed 0 "Number of failed checks.")
(defvar planls-smoke-passed 0 "Number of passed checks.")

(defun planls-smoke-check (ok name &optional detail)
  "Record the check NAME, which passed when OK; print DETAIL when it failed."
  (if ok
      (progn (setq planls-smoke-passed (1+ planls-smoke-passed))
             (princ (format "ok   %s\n" name)))
    (setq planls-smoke-failed (1+ planls-smoke-failed))
    (princ (format "FAIL %s%s\n" name (if detail (format ": %s" detail) ""))))
  ok)

(defun planls-smoke-wait (pred seconds)
  "Process events until PRED returns non-nil or SECONDS pass; return PRED's value."
  (let ((end (+ (float-time) seconds)) value)
    (while (and (not (setq value (funcall pred))) (< (float-time) end))
      (accept-process-output nil 0.05))
    value))

(defun planls-smoke-finish ()
  "Print the summary and exit with the right status."
  (princ (format "%d passed, %d failed\n" planls-smoke-passed planls-smoke-failed))
  (kill-emacs (if (> planls-smoke-failed 0) 1 0)))

(let* ((bin (or (getenv "PLANLS_BIN") (error "PLANLS_BIN is not set")))
       (dir (file-name-as-directory (or (getenv "PLANLS_TMP") (make-temp-file "planls-emacs" t))))
       (file (expand-file-name "plan.md" dir))
       (timeout 20))
  (condition-case err
      (progn
        (make-directory dir t)
        ;; A project root for project.el (eglot needs one): .planls.json is not
        ;; a project marker in Emacs 28, a git repository is.
        (call-process "git" nil nil nil "init" "-q" dir)
        (with-temp-file file
          (insert "# Plan\n\n## doing\n\n"
                  "- [ ] 写周报，见[计划](#nowhere)。\n"
                  "- [ ] 修改 co_kimserver，添加智能指针。\n"
                  "- [x] 画出 TCP 状态机。\n\n"
                  "## wait\n\n"
                  "- [ ] 修改 co_kimserver，添加智能指针。\n\n"
                  "## done\n\n"
                  "- [x] 整理笔记。\n"))
        (setq exec-path (cons (file-name-directory bin) exec-path))
        (setenv "PATH" (concat (file-name-directory bin) path-separator (getenv "PATH")))
        (unless (equal (file-name-nondirectory bin) "planls")
          (error "PLANLS_BIN must be named planls (the README's command), not %s" bin))

        ;; The configuration from editors/README.md.
        (require 'eglot)
        (require 'markdown-mode)
        (add-to-list 'eglot-server-programs '((markdown-mode gfm-mode) . ("planls")))
        (add-hook 'markdown-mode-hook #'eglot-ensure)
        (add-hook 'markdown-mode-hook
                  (lambda ()
                    (add-hook 'before-save-hook
                              (lambda () (when (eglot-managed-p) (eglot-format-buffer)))
                              nil t)))
        ;; A setting, as the README shows it: duplicates become errors.
        (setq-default eglot-workspace-configuration
                      '(:planls (:severity (:duplicate-task "error"))))

        (find-file file)
        (planls-smoke-check (derived-mode-p 'markdown-mode) "plan.md opens in markdown-mode")
        ;; eglot-ensure connects from post-command-hook, which batch mode never runs.
        (run-hooks 'post-command-hook)
        (planls-smoke-check (planls-smoke-wait (lambda () (eglot-current-server)) timeout)
                            "eglot connects to planls")
        (let ((diags (planls-smoke-wait
                      (lambda ()
                        (let ((ds (flymake-diagnostics)))
                          (and (>= (length ds) 3) ds)))
                      timeout)))
          (planls-smoke-check diags "flymake shows planls's diagnostics"
                              (format "%S" (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
          (dolist (d diags)
            (princ (format "#   %d:%d %s\n"
                           (line-number-at-pos (flymake-diagnostic-beg d))
                           (save-excursion (goto-char (flymake-diagnostic-beg d)) (current-column))
                           (flymake-diagnostic-text d))))
          (cl-flet ((find (needle)
                      (cl-find-if (lambda (d) (string-match-p needle (flymake-diagnostic-text d))) diags))
                    (pos (line text)
                      ;; The character position of TEXT on the line holding LINE.
                      (save-excursion
                        (goto-char (point-min))
                        (search-forward line)
                        (beginning-of-line)
                        (search-forward text (line-end-position))
                        (match-beginning 0))))
            (let ((dup (find "duplicate-task\\|same\\|duplicate"))
                  (anchor (find "nowhere\\|anchor")))
              (planls-smoke-check
               (and dup (= (flymake-diagnostic-beg dup)
                           (save-excursion
                             (goto-char (point-min))
                             (search-forward "## wait")
                             (search-forward "修改 co_kimserver")
                             (match-beginning 0))))
               "duplicate-task starts at the task text of the second copy"
               (and dup (flymake-diagnostic-beg dup)))
              (planls-smoke-check
               (and dup (eq (flymake-diagnostic-type dup) 'eglot-error))
               "the eglot-workspace-configuration setting makes duplicate-task an error"
               (and dup (flymake-diagnostic-type dup)))
              (planls-smoke-check
               (and anchor (= (flymake-diagnostic-beg anchor) (pos "写周报" "#nowhere")))
               "missing-anchor starts at #nowhere after CJK text (character column)"
               (and anchor (flymake-diagnostic-beg anchor))))))

        ;; The README's fix-all on save: formatting returns the fix-all edits,
        ;; so saving moves the done task out of "doing". An edit first, since
        ;; Emacs does not save (nor run the hook for) an unmodified buffer.
        (goto-char (point-min))
        (search-forward "## wait\n\n")
        (insert "- [ ] 新任务。\n")
        (save-buffer)
        (let ((text (with-temp-buffer
                      (insert-file-contents file)
                      (buffer-string))))
          (planls-smoke-check
           (string-match-p "## done\n\n- \\[x\\] 画出 TCP 状态机。\n- \\[x\\] 整理笔记。\n" text)
           "saving with the before-save-hook moves the done task into \"done\" on disk" text))
        (let ((server (eglot-current-server)))
          (when server (eglot-shutdown server))))
    (error (planls-smoke-check nil "the smoke test runs" (error-message-string err))))
  (planls-smoke-finish))

;;; eglot-smoke.el ends here
