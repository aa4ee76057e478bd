package org.waymark.android.app

import android.content.ContentProvider
import android.content.ContentValues
import android.content.Context
import android.database.Cursor
import android.database.MatrixCursor
import android.net.Uri
import android.os.ParcelFileDescriptor
import android.provider.OpenableColumns
import java.io.File
import java.io.FileNotFoundException
import java.security.SecureRandom

/**
 * Hands single files to other apps by content URI, never by path, and only from two folders:
 * - `capture/`: empty files the system camera writes a photo or video into
 *   (ACTION_IMAGE_CAPTURE / ACTION_VIDEO_CAPTURE with EXTRA_OUTPUT); the app streams it into the
 *   vault and deletes the file at once. Not exported: the camera gets a one-off write grant for
 *   that one URI.
 * - `share/`: the app model's exports (noBackupFilesDir/exports), for ACTION_SEND, read-only.
 * No gallery, no MediaStore, no shared storage.
 */
class VaultFileProvider : ContentProvider() {
    override fun onCreate(): Boolean = true

    override fun openFile(uri: Uri, mode: String): ParcelFileDescriptor {
        val ctx = context ?: throw FileNotFoundException()
        val (area, file) = resolve(ctx, uri) ?: throw FileNotFoundException()
        return when (area) {
            CAPTURE -> {
                // The camera writes; the file must be one this app created for it.
                if (!file.isFile) throw FileNotFoundException()
                ParcelFileDescriptor.open(file, ParcelFileDescriptor.parseMode(if (mode == "r") "r" else "wt"))
            }
            SHARE -> {
                if (mode != "r") throw SecurityException("read only")
                ParcelFileDescriptor.open(file, ParcelFileDescriptor.MODE_READ_ONLY)
            }
            else -> throw FileNotFoundException()
        }
    }

    override fun query(uri: Uri, projection: Array<out String>?, selection: String?, selectionArgs: Array<out String>?, sortOrder: String?): Cursor? {
        val ctx = context ?: return null
        val (_, file) = resolve(ctx, uri) ?: return null
        val columns = projection?.filter { it == OpenableColumns.DISPLAY_NAME || it == OpenableColumns.SIZE }?.toTypedArray()
            ?: arrayOf(OpenableColumns.DISPLAY_NAME, OpenableColumns.SIZE)
        return MatrixCursor(columns, 1).apply {
            addRow(columns.map { if (it == OpenableColumns.SIZE) file.length() else file.name })
        }
    }

    override fun getType(uri: Uri): String? {
        val ctx = context ?: return null
        val (_, file) = resolve(ctx, uri) ?: return null
        return mimeFor(file.name)
    }

    override fun insert(uri: Uri, values: ContentValues?): Uri? = null
    override fun delete(uri: Uri, selection: String?, selectionArgs: Array<out String>?): Int = 0
    override fun update(uri: Uri, values: ContentValues?, selection: String?, selectionArgs: Array<out String>?): Int = 0

    companion object {
        const val AUTHORITY = "org.waymark.files"
        const val CAPTURE = "capture"
        const val SHARE = "share"
        private val random = SecureRandom()

        fun captureDir(context: Context) = File(context.cacheDir, CAPTURE)
        /** The app model's export folder: `exports/` beside the vault folder (WaymarkApplication). */
        fun shareDir(context: Context) = File(context.noBackupFilesDir, "exports")

        /** A new empty file for the camera to write into ("jpg" or "mp4"), and the URI to hand it. */
        fun newCapture(context: Context, extension: String = "jpg"): Pair<File, Uri> {
            val dir = captureDir(context).apply { mkdirs() }
            val name = "c" + java.lang.Long.toHexString(random.nextLong()) + "." + extension
            val file = File(dir, name)
            file.createNewFile()
            return file to uri(CAPTURE, name)
        }

        /** The URI for a file in `share/`, or null for any other file. */
        fun shareUri(context: Context, file: File): Uri? {
            val dir = shareDir(context).canonicalFile
            val f = file.canonicalFile
            return if (f.parentFile == dir && f.isFile) uri(SHARE, f.name) else null
        }

        /** Camera files left behind by a process that died mid-capture: deleted at start. */
        fun sweepCaptures(context: Context): Int =
            captureDir(context).listFiles()?.count { it.delete() } ?: 0

        private fun uri(area: String, name: String): Uri =
            Uri.Builder().scheme("content").authority(AUTHORITY).appendPath(area).appendPath(name).build()

        private fun resolve(context: Context, uri: Uri): Pair<String, File>? {
            if (uri.authority != AUTHORITY) return null
            val segments = uri.pathSegments
            if (segments.size != 2) return null
            val (area, name) = segments
            // One plain file name: no separators, no "..", nothing hidden.
            if (name.isEmpty() || name.startsWith(".") || name.contains('/') || name.contains('\\')) return null
            val dir = when (area) {
                CAPTURE -> captureDir(context)
                SHARE -> shareDir(context)
                else -> return null
            }
            return area to File(dir, name)
        }

        fun mimeFor(name: String): String = when (name.substringAfterLast('.', "").lowercase()) {
            "jpg", "jpeg" -> "image/jpeg"
            "png" -> "image/png"
            "mp4" -> "video/mp4"
            "pdf" -> "application/pdf"
            "zip" -> "application/zip"
            "txt" -> "text/plain"
            else -> "application/octet-stream"
        }
    }
}
