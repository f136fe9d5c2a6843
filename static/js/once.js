// A create form's key (core.forms.KeyInput, core/once.py) must come back with the rest of the
// form when the Back button loads the page again, so that the form sent again is known as the
// same one and shows its first result. Browsers put back only values that differ from the
// value the page came with: the page's value becomes the key, and the default empty.
document.querySelectorAll("input[data-once-key]").forEach((input) => {
  const key = input.value;
  input.defaultValue = "";
  input.value = key;
});
