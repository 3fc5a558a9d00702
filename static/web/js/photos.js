/* Photos made ready for mobile data, in the browser: turned upright, made smaller (longest side
   `side` pixels), re-encoded as JPEG at `quality`. Drawing onto a canvas keeps the pixels only, so the
   camera's metadata (GPS position, serial number, owner) never leaves the phone; the position is read
   first, so the form can offer it as the report's location. The server validates and re-encodes
   again whatever arrives. */
(function () {
  "use strict";

  // --- the GPS position in a JPEG's EXIF block ---------------------------------------------------
  function gpsFromExif(buffer) {
    var view = new DataView(buffer);
    if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) return null;
    var offset = 2;
    while (offset + 4 <= view.byteLength) {
      var marker = view.getUint16(offset), length = view.getUint16(offset + 2);
      if (marker === 0xffe1 && view.getUint32(offset + 4) === 0x45786966) return gpsFromTiff(view, offset + 10);
      if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) return null;  // not a marker, or the image data
      offset += 2 + length;
    }
    return null;
  }

  function gpsFromTiff(view, tiff) {
    try {
      var little = view.getUint16(tiff) === 0x4949;
      var u16 = function (at) { return view.getUint16(tiff + at, little); };
      var u32 = function (at) { return view.getUint32(tiff + at, little); };
      var entries = function (ifd) {
        var found = {}, count = u16(ifd);
        for (var i = 0; i < count; i++) {
          var entry = ifd + 2 + i * 12;
          found[u16(entry)] = { type: u16(entry + 2), count: u32(entry + 4), value: entry + 8 };
        }
        return found;
      };
      var pointer = entries(u32(4))[0x8825];
      if (!pointer) return null;
      var gps = entries(u32(pointer.value));
      var degrees = function (tag) {
        if (!tag || tag.type !== 5 || tag.count !== 3) return null;
        var at = u32(tag.value), parts = [];
        for (var i = 0; i < 3; i++) parts.push(u32(at + i * 8) / (u32(at + i * 8 + 4) || 1));
        return parts[0] + parts[1] / 60 + parts[2] / 3600;
      };
      var ref = function (tag) { return tag ? String.fromCharCode(view.getUint8(tiff + tag.value)) : ""; };
      var lat = degrees(gps[2]), lon = degrees(gps[4]);
      if (lat === null || lon === null || !isFinite(lat) || !isFinite(lon)) return null;
      if (ref(gps[1]) === "S") lat = -lat;
      if (ref(gps[3]) === "W") lon = -lon;
      if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) return null;
      return { lat: lat, lon: lon };
    } catch (e) {
      return null;  // a broken EXIF block is no position, not an error
    }
  }

  // --- upright, smaller, without metadata -------------------------------------------------------
  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () { return decodeAsImage(file); });
    }
    return decodeAsImage(file);
  }

  function decodeAsImage(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file), image = new Image();
      image.onload = function () { URL.revokeObjectURL(url); resolve(image); };
      image.onerror = function () { URL.revokeObjectURL(url); reject(new Error("unreadable")); };
      image.src = url;
    });
  }

  function encode(picture, side, quality) {
    var width = picture.width, height = picture.height;
    var scale = Math.min(1, side / Math.max(width, height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    var context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";  // a transparent PNG becomes a JPEG on white, not on black
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = "high";
    context.drawImage(picture, 0, 0, canvas.width, canvas.height);
    if (picture.close) picture.close();
    return new Promise(function (resolve, reject) {
      canvas.toBlob(function (blob) {
        if (blob) resolve({ blob: blob, width: canvas.width, height: canvas.height });
        else reject(new Error("unencodable"));
      }, "image/jpeg", quality);
    });
  }

  /* A File → a Promise of {blob, name, width, height, originalSize, gps}. Rejects when the file is not
     an image the browser can read. */
  function prepare(file, options) {
    var head = file.type === "image/jpeg" ? file.slice(0, 256 * 1024).arrayBuffer() : Promise.resolve(null);
    return head.then(function (buffer) {
      var gps = buffer ? gpsFromExif(buffer) : null;
      return decode(file).then(function (picture) {
        return encode(picture, options.side, options.quality);
      }).then(function (result) {
        var name = (file.name || "foto").replace(/\.[^.]*$/, "") + ".jpg";
        return { blob: result.blob, name: name, width: result.width, height: result.height, originalSize: file.size, gps: gps };
      });
    });
  }

  window.Lapor.photos = { prepare: prepare, gpsFromExif: gpsFromExif };
})();
