/* Krimpkaart: the search box, an st.components.v2 component (ui/search.py passes
   this module's text). It searches as the user types, without flooding the
   server: the text goes to Python 350 ms after the last keystroke (Enter sends
   it at once), and only when it differs from what was sent last. A rerun echoes
   the text back in data.value; the box only takes a value from Python when it
   is neither that echo nor the value it had before (a reset, a shared link),
   so the characters typed meanwhile are never overwritten.
   data: {value, label, placeholder, delay} */
const sent = new WeakMap();  // the element -> {value: last sent, data: last data.value}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let form = parentElement.querySelector('form.kk-search');
  if (!form) {
    form = document.createElement('form');
    form.className = 'kk-search';
    form.setAttribute('role', 'search');
    form.innerHTML = '<label class="kk-search-label" for="kk-search-input"></label>'
      + '<input id="kk-search-input" class="kk-search-input" type="search" '
      + 'autocomplete="off" spellcheck="false" maxlength="200">';
    parentElement.appendChild(form);
  }
  const input = form.querySelector('input');
  form.querySelector('label').textContent = data.label;
  input.placeholder = data.placeholder;

  let memory = sent.get(form);
  if (!memory) {
    memory = {value: data.value, data: undefined, timer: null};
    sent.set(form, memory);
  }
  if (data.value !== memory.data && data.value !== memory.value) {
    input.value = data.value;  // set from outside: reset, link, tour
    memory.value = data.value;
  }
  memory.data = data.value;

  const send = () => {
    clearTimeout(memory.timer);
    memory.timer = null;
    const value = input.value.trim();
    if (value === memory.value) { return; }
    memory.value = value;
    setTriggerValue('q', value);
  };
  input.oninput = () => {
    clearTimeout(memory.timer);
    memory.timer = setTimeout(send, data.delay);
  };
  form.onsubmit = (event) => {
    event.preventDefault();
    send();
  };
}
