// The counter page by keyboard: one key per action (N call next, R call again, S served,
// X did not come, T transfer), unless the officer is typing in a field.
document.addEventListener("keydown", function (event) {
  if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) return;
  var target = event.target;
  if (target.closest && target.closest("input, select, textarea, [contenteditable]")) return;
  var button = document.querySelector('#desk button[data-key="' + event.key.toLowerCase() + '"]');
  if (!button) return;
  event.preventDefault();
  button.click();
});
