/* The report form's map: tap to place the marker (lon/lat into the hidden inputs), "use my
   location" when the browser can, the grids of the user's scope as outlines, and the
   duplicate suggestions for the chosen category and point. Works without a basemap. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("report-map-config").textContent);
  var lon = document.getElementById("id_lon");
  var lat = document.getElementById("id_lat");
  var category = document.getElementById("id_category");
  var status = document.getElementById("location-status");
  var locate = document.getElementById("use-my-location");
  var duplicates = document.getElementById("duplicates");
  var map = L.map("report-map").setView(config.center, config.zoom);
  var marker = null;

  if (config.basemapUrl) {
    L.tileLayer(config.basemapUrl, { attribution: config.basemapAttribution, maxZoom: 19 }).addTo(map);
  }

  function place(latlng, pan) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    lat.value = latlng.lat.toFixed(7);
    lon.value = latlng.lng.toFixed(7);
    status.textContent = config.labels.placed
      .replace("%(lat)s", latlng.lat.toFixed(5)).replace("%(lon)s", latlng.lng.toFixed(5));
    if (pan) { map.setView(latlng, Math.max(map.getZoom(), 16)); }
    suggest();
  }

  function suggest() {
    if (!lon.value || !lat.value || !category.value) { duplicates.hidden = true; return; }
    var query = "?category=" + encodeURIComponent(category.value) +
      "&lon=" + encodeURIComponent(lon.value) + "&lat=" + encodeURIComponent(lat.value);
    fetch(config.duplicatesUrl + query, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { cases: [] }; })
      .then(function (body) { showDuplicates(body.cases); })
      .catch(function () { duplicates.hidden = true; });
  }

  function showDuplicates(cases) {
    duplicates.replaceChildren();
    if (!cases.length) { duplicates.hidden = true; return; }
    var intro = document.createElement("p");
    intro.textContent = config.labels.duplicates;
    var list = document.createElement("ul");
    cases.forEach(function (c) {
      var item = document.createElement("li");
      item.textContent = c.number + " · " + c.state + " · " + c.metres + config.labels.metres +
        " · " + c.description;
      list.append(item);
    });
    duplicates.append(intro, list);
    duplicates.hidden = false;
  }

  map.on("click", function (event) { place(event.latlng, false); });
  category.addEventListener("change", suggest);

  if (lon.value && lat.value) {
    place(L.latLng(parseFloat(lat.value), parseFloat(lon.value)), true);
  }

  if ("geolocation" in navigator && window.isSecureContext) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      status.textContent = config.labels.locating;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          place(L.latLng(position.coords.latitude, position.coords.longitude), true);
        },
        function () { status.textContent = config.labels.noGps; },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  fetch(config.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (collection) {
      if (!collection || !collection.features.length) { return; }
      var layer = L.geoJSON(collection, {
        interactive: false,
        style: function (feature) {
          var isGrid = feature.properties.level === 4;
          return { color: isGrid ? "#c62828" : "#1565c0", weight: isGrid ? 1 : 2, fillOpacity: isGrid ? 0.06 : 0 };
        },
      }).addTo(map);
      // no animation: a tap must land where the finished view says it does
      if (!marker) { map.fitBounds(layer.getBounds(), { padding: [8, 8], animate: false }); }
      document.getElementById("report-map").dataset.ready = "1";
    })
    .catch(function () { /* the outlines are a help, not a need */ });
})();
