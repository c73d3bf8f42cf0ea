/**
 * Data that tests of several workspaces share, depending on no workspace, so that any of them (platform's own tests
 * included) can use it without a cycle.
 */
export { CRAFTED_CURSORS, cursorHolding } from './crafted-cursors.js';
