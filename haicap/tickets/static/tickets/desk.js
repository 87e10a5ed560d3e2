// The counter page by keyboard: one key per action (N call next, R call again, S served,
// X did not come), unless the officer is typing in a field. T only moves to the transfer's
// group list: a transfer is confirmed with its button, never by one stray key.
document.addEventListener("keydown", function (event) {
  if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) return;
  var target = event.target;
  if (target.closest && target.closest("input, select, textarea, [contenteditable]")) return;
  var control = document.querySelector('#desk [data-key="' + event.key.toLowerCase() + '"]');
  if (!control) return;
  event.preventDefault();
  if (control.tagName === "SELECT") control.focus();
  else control.click();
});
