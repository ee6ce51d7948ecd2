import { PicodeError } from '../core/errors.js';

/** The one message for "that session exists", whichever step notices it first. */
export function sessionExistsError(session: string): PicodeError {
  return new PicodeError(`a tmux session named "${session}" already exists`, {
    hint: 'attach to it with picode up --attach-existing, replace it with --replace, or pick another name with --session NAME',
  });
}
