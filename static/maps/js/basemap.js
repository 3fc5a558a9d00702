/* The app's own basemap on every Leaflet map of the page: vector tiles (MVT) from the app itself
   (maps/basemap.py), decoded here and drawn as SVG, with road names along the roads and place names,
   so a map is legible with no outside tile server. Tiles are drawn in the tile pane, below every
   overlay (reports, pins, routed assets). Configuration: the JSON block #lapor-basemap. */
(function () {
  "use strict";
  var block = document.getElementById("lapor-basemap");
  if (!block || !window.L) return;
  var config = JSON.parse(block.textContent);
  // Leaflet's own words in the page's language: the zoom buttons (the maps are made on the page's load
  // event, after this script has run) and the popups' close button (Leaflet writes "Close popup").
  L.Control.Zoom.prototype.options.zoomInTitle = config.zoom_in_title || "Zoom in";
  L.Control.Zoom.prototype.options.zoomOutTitle = config.zoom_out_title || "Zoom out";
  var popupLayout = L.Popup.prototype._initLayout;
  L.Popup.prototype._initLayout = function () {
    popupLayout.call(this);
    if (this._closeButton && config.close_title) this._closeButton.setAttribute("aria-label", config.close_title);
  };
  var SVG = "http://www.w3.org/2000/svg";
  var SIZE = 256;

  // --- MVT decoding (the protobuf subset vector tiles use) -----------------------------------------
  function Reader(buffer) { this.bytes = new Uint8Array(buffer); this.pos = 0; }
  Reader.prototype.varint = function () {
    var result = 0, factor = 1, byte;
    do {
      byte = this.bytes[this.pos++];
      result += (byte & 0x7f) * factor;
      factor *= 128;
    } while (byte >= 0x80);
    return result;
  };
  Reader.prototype.zigzag = function () { var n = this.varint(); return n % 2 ? -(n + 1) / 2 : n / 2; };
  Reader.prototype.string = function (end) {
    var text = new TextDecoder("utf-8").decode(this.bytes.subarray(this.pos, end));
    this.pos = end;
    return text;
  };
  Reader.prototype.skip = function (wire) {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.pos += this.varint();
    else if (wire === 5) this.pos += 4;
  };
  // Calls visit(field, wire, end of the field's bytes) for each field up to `end`.
  Reader.prototype.fields = function (end, visit) {
    while (this.pos < end) {
      var key = this.varint(), field = key >> 3, wire = key & 7;
      var stop = wire === 2 ? this.varint() + this.pos : null;
      var before = this.pos;
      visit(field, wire, stop);
      if (this.pos === before) { if (stop !== null) this.pos = stop; else this.skip(wire); }
    }
  };

  function readValue(reader, end) {
    var value = null;
    reader.fields(end, function (field, wire, stop) {
      if (field === 1) value = reader.string(stop);
      else if (field === 2) { value = new DataView(reader.bytes.buffer, reader.bytes.byteOffset + reader.pos, 4).getFloat32(0, true); reader.pos += 4; }
      else if (field === 3) { value = new DataView(reader.bytes.buffer, reader.bytes.byteOffset + reader.pos, 8).getFloat64(0, true); reader.pos += 8; }
      else if (field === 4 || field === 5) value = reader.varint();
      else if (field === 6) value = reader.zigzag();
      else if (field === 7) value = !!reader.varint();
    });
    return value;
  }

  function packed(reader, end) {
    var list = [];
    while (reader.pos < end) list.push(reader.varint());
    return list;
  }

  // Geometry commands → parts, each a list of [x, y] in the layer's extent.
  function geometry(commands) {
    var parts = [], part = null, x = 0, y = 0, i = 0;
    while (i < commands.length) {
      var command = commands[i] & 7, count = commands[i] >> 3;
      i++;
      if (command === 7) { if (part && part.length) part.push(part[0]); continue; }
      for (var k = 0; k < count; k++) {
        var dx = commands[i++], dy = commands[i++];
        x += dx % 2 ? -(dx + 1) / 2 : dx / 2;
        y += dy % 2 ? -(dy + 1) / 2 : dy / 2;
        if (command === 1) { part = []; parts.push(part); }
        part.push([x, y]);
      }
    }
    return parts;
  }

  function decode(buffer) {
    var reader = new Reader(buffer), layers = {};
    reader.fields(reader.bytes.length, function (field, wire, stop) {
      if (field !== 3) return;
      var layer = { name: "", extent: 4096, keys: [], values: [], raw: [] };
      reader.fields(stop, function (lf, lw, lstop) {
        if (lf === 1) layer.name = reader.string(lstop);
        else if (lf === 3) layer.keys.push(reader.string(lstop));
        else if (lf === 4) layer.values.push(readValue(reader, lstop));
        else if (lf === 5) layer.extent = reader.varint();
        else if (lf === 2) {
          var feature = { type: 0, tags: [], commands: [] };
          reader.fields(lstop, function (ff, fw, fstop) {
            if (ff === 3) feature.type = reader.varint();
            else if (ff === 2) feature.tags = packed(reader, fstop);
            else if (ff === 4) feature.commands = packed(reader, fstop);
          });
          layer.raw.push(feature);
        }
      });
      layer.features = layer.raw.map(function (f) {
        var properties = {};
        for (var t = 0; t + 1 < f.tags.length; t += 2) properties[layer.keys[f.tags[t]]] = layer.values[f.tags[t + 1]];
        return { type: f.type, properties: properties, parts: geometry(f.commands) };
      });
      layers[layer.name] = layer;
    });
    return layers;
  }

  // --- drawing ------------------------------------------------------------------------------------
  // Road widths in pixels by class and zoom (the casing adds a pixel each side).
  var WIDTH = {
    national: { 10: 1.5, 11: 2, 12: 2.5, 13: 3, 14: 4, 15: 5, 16: 7, 17: 10, 18: 14 },
    provincial: { 10: 1.2, 11: 1.6, 12: 2, 13: 2.6, 14: 3.5, 15: 4.5, 16: 6.5, 17: 9, 18: 13 },
    city: { 12: 1.5, 13: 2, 14: 3, 15: 4, 16: 6, 17: 8.5, 18: 12 },
    village: { 14: 1.6, 15: 2.4, 16: 4, 17: 6.5, 18: 10 },
  };
  var ORDER = ["village", "city", "provincial", "national"];

  function node(tag, attrs, parent) {
    var element = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (name) { element.setAttribute(name, attrs[name]); });
    if (parent) parent.appendChild(element);
    return element;
  }

  function pathData(parts, scale) {
    return parts.map(function (part) {
      return part.map(function (p, i) { return (i ? "L" : "M") + (p[0] * scale).toFixed(1) + " " + (p[1] * scale).toFixed(1); }).join("");
    }).join("");
  }

  function roadClassOf(feature) { return WIDTH[feature.properties["class"]] ? feature.properties["class"] : "village"; }

  var counter = 0;

  // The geometry: outlines, roads with their casing, pipes, lights (clipped to the tile).
  function drawGeometry(svg, layers, z) {
    var zoom = Math.min(Math.max(z, 10), 18);
    var groups = {};
    ["boundary", "casing", "road", "pipe", "light"].forEach(function (name) {
      groups[name] = node("g", { "class": "basemap-" + name }, svg);
    });
    var boundary = layers.boundary;
    if (boundary) {
      var bscale = SIZE / boundary.extent;
      ["desa", "kecamatan", "kota"].forEach(function (kind) {
        boundary.features.forEach(function (f) {
          if (f.properties.kind === kind) node("path", { d: pathData(f.parts, bscale), "class": "boundary boundary-" + kind }, groups.boundary);
        });
      });
    }
    var roads = layers.road;
    if (roads) {
      var rscale = SIZE / roads.extent;
      roads.features.slice().sort(function (a, b) { return ORDER.indexOf(roadClassOf(a)) - ORDER.indexOf(roadClassOf(b)); }).forEach(function (f) {
        var cls = roadClassOf(f), width = WIDTH[cls][zoom] || WIDTH[cls][18];
        var d = pathData(f.parts, rscale);
        node("path", { d: d, "class": "road-casing road-casing-" + cls, "stroke-width": width + 2 }, groups.casing);
        node("path", { d: d, "class": "road road-" + cls, "stroke-width": width }, groups.road);
      });
    }
    var pipes = layers.pipe;
    if (pipes) {
      var pscale = SIZE / pipes.extent;
      pipes.features.forEach(function (f) { node("path", { d: pathData(f.parts, pscale), "class": "pipe" }, groups.pipe); });
    }
    var lights = layers.light;
    if (lights) {
      var lscale = SIZE / lights.extent;
      lights.features.forEach(function (f) {
        f.parts.forEach(function (part) {
          node("circle", { cx: (part[0][0] * lscale).toFixed(1), cy: (part[0][1] * lscale).toFixed(1), r: zoom >= 18 ? 4 : 3, "class": "light" }, groups.light);
        });
      });
    }
  }

  // The names: each road named once, along the line the server chose (in the tile holding its
  // middle, drawn whole even where it runs past the tile's edge), then areas and places, the more
  // important first, none over another.
  function drawLabels(svg, layers, z) {
    var zoom = Math.min(Math.max(z, 10), 18);
    var taken = [];
    function free(box) {
      for (var i = 0; i < taken.length; i++) {
        var t = taken[i];
        if (box[0] < t[2] && box[2] > t[0] && box[1] < t[3] && box[3] > t[1]) return false;
      }
      taken.push(box);
      return true;
    }
    var roadLabels = layers.road_label;
    if (roadLabels) {
      var rscale = SIZE / roadLabels.extent;
      roadLabels.features.forEach(function (f) {
        var part = f.parts[0], name = f.properties.name;
        if (!part || part.length < 2 || !name) return;
        if (part[part.length - 1][0] < part[0][0]) part = part.slice().reverse();  // never upside down
        var id = "basemap-road-" + (++counter);
        node("path", { id: id, d: pathData([part], rscale), fill: "none", stroke: "none" }, svg);
        var text = node("text", { "class": "road-name road-name-" + roadClassOf(f), "font-size": zoom >= 17 ? 13 : 12, dy: "0.35em" }, svg);
        node("textPath", { href: "#" + id, startOffset: "50%", "text-anchor": "middle" }, text).textContent = name;
      });
    }
    var labels = layers.label;
    if (labels) {
      var tscale = SIZE / labels.extent;
      labels.features.slice().sort(function (a, b) { return (a.properties.rank || 9) - (b.properties.rank || 9); }).forEach(function (f) {
        var p = f.parts[0] && f.parts[0][0], name = f.properties.name;
        if (!p || !name) return;
        var kind = f.properties.kind, x = p[0] * tscale, y = p[1] * tscale;
        var area = kind === "kecamatan" || kind === "desa";
        var poi = (f.properties.rank || 9) >= 4;
        var fontSize = kind === "kecamatan" ? 13 : poi ? 11 : 12;
        var width = name.length * fontSize * (area ? 0.7 : 0.6);
        var left = poi ? x + 5 : x - width / 2;
        if (!free([left - 2, y - fontSize, left + width + 2, y + 4])) return;
        if (poi) node("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 3, "class": "place-dot place-dot-" + kind }, svg);
        var text = node("text", {
          x: (poi ? x + 6 : x).toFixed(1), y: (y + (poi ? 4 : 0)).toFixed(1),
          "class": "place-name place-" + kind, "font-size": fontSize, "text-anchor": poi ? "start" : "middle",
        }, svg);
        text.textContent = area ? name.toUpperCase() : name;
      });
    }
  }

  // One request a tile serves both layers (geometry and names): the decoded tile is kept briefly.
  var cache = {}, cached = [];
  function load(coords) {
    var key = coords.z + "/" + coords.x + "/" + coords.y;
    if (!cache[key]) {
      var url = config.url.replace("{z}", coords.z).replace("{x}", coords.x).replace("{y}", coords.y);
      cache[key] = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error("basemap tile " + response.status);
        return response.arrayBuffer();
      }).then(decode);
      cache[key].catch(function () { delete cache[key]; });
      cached.push(key);
      if (cached.length > 96) delete cache[cached.shift()];
    }
    return cache[key];
  }

  function tileLayer(draw, className) {
    return L.GridLayer.extend({
      createTile: function (coords, done) {
        var svg = node("svg", { width: SIZE, height: SIZE, viewBox: "0 0 " + SIZE + " " + SIZE, "class": className });
        load(coords)
          .then(function (layers) { draw(svg, layers, coords.z); done(null, svg); })
          .catch(function (error) { done(error, svg); });
        return svg;
      },
    });
  }
  var Geometry = tileLayer(drawGeometry, "basemap-tile");
  var Names = tileLayer(drawLabels, "basemap-tile basemap-names");

  function add(map) {
    // Names above the geometry of every tile (a name may run past its tile), below every overlay.
    if (!map.getPane("basemapNames")) map.createPane("basemapNames").style.zIndex = 250;
    var options = {
      tileSize: SIZE, minNativeZoom: config.min_zoom, maxNativeZoom: config.max_zoom, minZoom: 0, maxZoom: 22,
      updateWhenIdle: true, keepBuffer: 1,
    };
    var geometry = new Geometry(L.extend({ attribution: config.attribution, className: "lapor-basemap" }, options)).addTo(map);
    var names = new Names(L.extend({ pane: "basemapNames", className: "lapor-basemap-names" }, options)).addTo(map);
    map.lapor = map.lapor || {};
    map.lapor.basemap = geometry;
    map.lapor.basemapNames = names;
  }

  window.addEventListener("map:init", function (event) { add(event.detail.map); });
  window.LaporBasemap = { decode: decode };
})();
