/* Krimpkaart: the "link to this view" button, an st.components.v2 component
   (ui/viewbounds.py passes this module's text). Panning must not rerun the
   script, so the page never listens to the map's bounds: this reads them from
   the map only when the button is pressed, and hands them to Python as
   [west, south, east, north]. data: {label} */
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let button = parentElement.querySelector('button');
  if (!button) {
    button = document.createElement('button');
    button.className = 'kk-view-button';
    parentElement.appendChild(button);
  }
  button.textContent = data.label;
  button.onclick = () => {
    const frames = document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]');
    const frame = frames[frames.length - 1];
    const map = frame && frame.contentWindow && frame.contentWindow.map;
    if (!map) { return; }
    const b = map.getBounds();
    setTriggerValue('bbox', [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
  };
}
