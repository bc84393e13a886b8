# Resguardo: textos de las páginas públicas, en castellano.
#
# Lenguaje claro (UI.md): frases cortas, una idea cada una, trato de
# «usted», y siempre se dice cuál es el paso siguiente. Los nombres de las
# listas cerradas (categorías, tipos de agresión, estados) no están aquí:
# vienen de las etiquetas del dominio (crates/domain), las mismas que usan
# la API y los correos, como mensajes «lista-CÓDIGO».

## Todas las páginas

sitio-nombre = Alerta temprana para personas defensoras
# Más corto, para la barra de arriba en un teléfono.
sitio-marca = Alerta temprana
lengua-propia = Castellano
lenguas-etiqueta = Lengua de la página
saltar-al-contenido = Ir al contenido
salir-rapido = Salir rápido
pie-quien = Dirección General de Derechos Humanos, Ministerio de Justicia y Derechos Humanos.
pie-salir = Si alguien puede ver su pantalla, pulse «Salir rápido»: la página se cambia por una en blanco.
volver-al-inicio = Volver al inicio
opcional = (opcional)
elija = Elija una opción
error-prefijo = Error:
errores-titulo = { $cantidad ->
    [one] Hay un problema
   *[other] Hay { $cantidad } problemas
    }
error-obligatorio = es obligatorio
error-elija-opcion = elija una opción
error-opcion-desconocida = elija una de las opciones de la lista
error-numero = escriba solo un número, sin letras
fecha-larga = { $dia } de { $mes } de { $anio }
mes-1 = enero
mes-2 = febrero
mes-3 = marzo
mes-4 = abril
mes-5 = mayo
mes-6 = junio
mes-7 = julio
mes-8 = agosto
mes-9 = septiembre
mes-10 = octubre
mes-11 = noviembre
mes-12 = diciembre
tamano-bytes = { $cantidad ->
    [one] 1 byte
   *[other] { $cantidad } bytes
}
tamano-kb = { $cifra } KB
tamano-mb = { $cifra } MB
tamano-gb = { $cifra } GB

## Avisos

aviso-caducado = Esta página estuvo abierta mucho tiempo. Sus datos siguen aquí: revíselos y continúe.
aviso-demasiadas = Se recibieron muchas solicitudes desde su conexión. Sus datos siguen aquí. Espere { $minutos ->
    [one] un minuto
   *[other] { $minutos } minutos
    } y pulse otra vez «Enviar solicitud».
aviso-demasiadas-consultas = Se hicieron muchas consultas desde su conexión. Espere { $minutos ->
    [one] un minuto
   *[other] { $minutos } minutos
    } e intente de nuevo.
aviso-no-disponible-titulo = El servicio no responde
aviso-no-disponible = El servicio no pudo responder en este momento. Sus datos no se perdieron: intente de nuevo en unos minutos.
reintentar = Intentar de nuevo
aviso-origen-titulo = No se pudo usar este formulario
aviso-origen = Este formulario no vino de nuestra página. Vuelva al inicio y empiece desde allí.
aviso-no-existe-titulo = Esta página no existe
aviso-no-existe = Revise la dirección o vuelva al inicio.

## Inicio

inicio-titulo = Pida protección si usted u otra persona defensora está en riesgo
inicio-que-es = El Estado protege a las personas que defienden derechos humanos: líderes indígenas, periodistas, defensoras de la tierra y del ambiente, entre otras. Si usted o alguien que conoce está amenazado por su labor, puede pedir protección aquí.
inicio-quien-puede = Puede pedirla la misma persona en riesgo o cualquier persona que conozca la situación: un familiar, un compañero, una organización, una abogada. No necesita cuenta ni contraseña.
inicio-pedir = Pedir protección
inicio-consultar = Consultar mi solicitud
inicio-pasos-titulo = Qué pasa después
inicio-paso-1 = Usted cuenta quién está en riesgo, dónde, qué pasó y qué protección necesita. Son seis pasos cortos.
inicio-paso-2 = Al enviar, recibe un número de expediente y una clave de acceso. Con ellos puede ver cómo avanza su solicitud.
inicio-paso-3 = La Dirección General de Derechos Humanos revisa su solicitud y evalúa el riesgo. Si le falta información, se la pedirá.
inicio-paso-4 = Si corresponde, se otorgan medidas de protección en un plazo de 30 días hábiles, o de 15 días hábiles si el riesgo es inminente. Cada ministerio a cargo debe cumplirlas.
inicio-datos-titulo = Quién ve sus datos
inicio-datos-quien-ve = Solo el personal de la Dirección General de Derechos Humanos que atiende su caso ve los nombres y lo que pasó. El ministerio encargado de una medida ve lo necesario para cumplirla.
inicio-datos-guardado = Sus datos se guardan cifrados. No se publican ni se comparten con nadie más.
inicio-seguridad-titulo = Para su seguridad
inicio-seguridad-salir = El botón «Salir rápido», arriba, cambia esta página por una en blanco en cualquier momento.
inicio-seguridad-privada = Si comparte el teléfono o la computadora, use una ventana privada o de incógnito y ciérrela al terminar.
inicio-seguridad-clave = Guarde su clave de acceso donde nadie más la vea.
inicio-urgente-titulo = Si su vida corre peligro ahora
inicio-urgente = Llame a la Policía Nacional al 105. Luego, cuando esté a salvo, pida protección aquí.

## Solicitud: pasos

paso-de = Paso { $numero } de { $total }
paso-personas = Quién está en riesgo
paso-personas-intro = Díganos a quién hay que proteger. Puede ser una persona, varias, o un colectivo como una comunidad o una organización.
paso-lugar = Dónde está
paso-lugar-intro = Díganos dónde están las personas a proteger, para que la ayuda llegue.
paso-hechos = Qué pasó
paso-hechos-intro = Cuente qué pasó con sus palabras. Puede escribir poco: si falta algo, se lo pedirán.
paso-proteccion = Qué protección pide
paso-proteccion-intro = Marque la protección que necesita. Si no sabe, déjelo en blanco: el personal evaluará su situación.
paso-contacto = Cómo comunicarnos
paso-contacto-intro = Díganos cómo y en qué lengua podemos hablar con usted sin ponerle en riesgo.
paso-consentimiento = Consentimiento y envío
paso-consentimiento-intro = Último paso. Revise sus datos y envíe la solicitud.
siguiente = Continuar
anterior = Volver al paso anterior
enviar = Enviar solicitud

## Paso 1: personas

personas-quien = ¿Pide protección para usted o para otra persona?
personas-quien-yo = Para mí
personas-quien-otra = Para otra persona o un colectivo
tercero-grupo = Sus datos, si pide por otra persona
tercero-ayuda = Complete esto solo si pide protección para otra persona. Necesitamos saber quién es usted y cómo conoce a la persona.
tercero-nombre = Su nombre completo
tercero-relacion = ¿Cómo conoce a la persona?
tercero-relacion-detalle = Explique su relación con la persona
tercero-organizacion = Organización a la que representa
persona-grupo = Persona o colectivo { $numero }
persona-tipo = ¿Es una persona o un colectivo?
persona-una-persona = Una persona
persona-nombre = Nombre completo
persona-nombre-ayuda = De la persona, o el nombre del colectivo o la comunidad.
persona-documento = Tipo de documento de identidad
persona-documento-numero = Número de documento
persona-genero = Género
persona-integrantes = Número aproximado de integrantes (solo para colectivos)
agregar-persona = Agregar otra persona o colectivo
quitar-persona = Quitar la persona o colectivo { $numero }

## Paso 2: lugar

lugar-grupo = Lugar
lugar-ayuda = El departamento decide qué feriados regionales cuentan para los plazos.
lugar-departamento = Departamento
lugar-detalle = Lugar exacto
lugar-detalle-ayuda = Provincia, distrito, comunidad, dirección o cómo llegar. Solo lo verá el personal que atiende su caso.

## Paso 3: hechos

hechos-grupo-defiende = La labor de defensa
hechos-categoria = ¿Qué defiende la persona en riesgo?
hechos-categoria-detalle = Precise su labor
hechos-grupo-agresion = La agresión
hechos-agresiones = ¿Qué ha sufrido?
hechos-agresiones-ayuda = Marque todo lo que corresponda.
hechos-agresor = ¿Quién cree que está detrás?
hechos-grupo-relato = Lo que pasó
hechos-relato = Cuente qué pasó
hechos-relato-ayuda = Qué pasó, cuándo, dónde y quién estuvo. Escriba con sus palabras.
prueba-grupo = Prueba { $numero }
prueba-ayuda = Si tiene pruebas (fotos, audios, mensajes, denuncias), descríbalas y diga dónde están. Aquí no se pueden subir archivos: podrá enviarlos después, en «Consultar mi solicitud».
prueba-descripcion = ¿Qué es la prueba?
prueba-referencia = ¿Dónde está o quién la tiene?
agregar-prueba = Agregar otra prueba
quitar-prueba = Quitar la prueba { $numero }

## Paso 4: protección

proteccion-grupo = Protección
proteccion-medidas = Medidas que pide
proteccion-medidas-ayuda = Marque las que necesite.
proteccion-otra = Otra protección que necesite, con sus palabras

## Paso 5: contacto y lengua

contacto-grupo = Cómo comunicarnos con usted
contacto-ayuda = Todo es opcional. Pero sin un teléfono o un correo no podremos avisarle ni hacerle preguntas. Use un medio seguro.
contacto-telefono = Teléfono
contacto-correo = Correo electrónico
contacto-indicaciones = Cómo comunicarnos de forma segura
contacto-indicaciones-ayuda = Por ejemplo: a qué hora llamar, a quién preguntar, qué no decir si contesta otra persona.
lengua-grupo = Lengua
lengua-cual = ¿En qué lengua prefiere que le hablemos?
lengua-detalle = Nombre de la lengua, si eligió «Otra»
lengua-interprete = Necesito intérprete

## Paso 6: consentimiento y revisión

consentimiento-grupo = Consentimiento
consentimiento-ayuda = La persona a proteger debe estar de acuerdo con la solicitud, salvo que no pueda darlo.
consentimiento-pregunta = ¿La persona a proteger está de acuerdo con esta solicitud?
consentimiento-si = Sí, está de acuerdo
consentimiento-no = No está de acuerdo
consentimiento-no-puede = No puede darlo (por ejemplo, está detenida o desaparecida)
consentimiento-razon = Si no puede darlo, explique por qué
revision-titulo = Revise su solicitud
revision-ayuda = Esto es lo que enviará. Si algo no está bien, cámbielo.
revision-nada = No indicó nada.
revision-cambiar = Cambiar: { $paso }
revision-si = Sí
revision-quien-ve = Al enviar, sus datos se guardan cifrados. Solo el personal que atiende su caso los verá.

## Constancia

recibo-titulo = Su solicitud fue registrada
recibo-ya-registrada = Esta solicitud ya estaba registrada. Estos son sus mismos datos: no se creó otra.
recibo-recibida = Recibimos su solicitud el { $fecha }.
recibo-datos-titulo = Guarde estos dos datos
recibo-expediente = Número de expediente
recibo-clave = Clave de acceso
recibo-guardar-titulo = Cómo guardarlos
recibo-guardar-anote = Anótelos en un papel y guárdelo en un lugar seguro.
recibo-guardar-no-foto = Si su teléfono puede caer en otras manos, no les tome foto ni los guarde en el teléfono.
recibo-guardar-perdida = Con los dos juntos cualquiera puede ver su solicitud. No los comparta con quien no deba saberlo.
recibo-guardar-una-vez = La clave solo se muestra aquí. Si la pierde, comuníquese con la Dirección General de Derechos Humanos.
recibo-imprimir = Imprimir esta constancia
recibo-imprimir-menu = Para imprimir, use la opción «Imprimir» de su navegador.
recibo-siguiente-titulo = Qué sigue
recibo-siguiente = El personal revisará su solicitud. Si necesita más información, se la pedirá por el medio que indicó, y usted podrá responder en «Consultar mi solicitud».
recibo-otra = Presentar otra solicitud

## Seguimiento

seguimiento-titulo = Consultar mi solicitud
seguimiento-intro = Escriba el número de expediente y la clave de acceso que recibió al enviar la solicitud.
seguimiento-grupo = Sus datos de acceso
seguimiento-expediente = Número de expediente
seguimiento-expediente-ayuda = Por ejemplo: AT-2026-000123
seguimiento-clave = Clave de acceso
seguimiento-clave-ayuda = Cinco grupos de cuatro letras y números, por ejemplo: 7K3Q-8M2P-…
seguimiento-consultar = Consultar
seguimiento-perdio-clave = Si perdió su clave de acceso, comuníquese con la Dirección General de Derechos Humanos.
seguimiento-no-coincide = El número de expediente o la clave de acceso no son correctos. Revíselos y escriba la clave otra vez.
seguimiento-estado-titulo = Estado de su solicitud
seguimiento-expediente-numero = Expediente
seguimiento-recibida = Recibida el
seguimiento-estado = Estado
seguimiento-consentimiento-retirado = La persona protegida retiró su consentimiento. El personal lo tendrá en cuenta.
seguimiento-pregunta-titulo = La Dirección General de Derechos Humanos le pregunta
seguimiento-responder-hasta = Puede responder hasta el { $fecha }.
seguimiento-medidas-titulo = Medidas de protección
seguimiento-sin-medidas = Todavía no se otorgaron medidas.
seguimiento-medida = Medida { $numero }:
seguimiento-responder-titulo = Responder
seguimiento-respuesta = Escriba su respuesta
seguimiento-responder = Enviar respuesta
seguimiento-respuesta-enviada = Su respuesta fue enviada. El personal continuará con su solicitud.
seguimiento-prueba-titulo = Agregar una prueba
seguimiento-prueba-enviar = Agregar prueba
seguimiento-prueba-enviada = La prueba se agregó a su solicitud.
seguimiento-prueba-ayuda = Diga qué es la prueba y dónde está. Si la tiene en este teléfono, puede enviar el archivo.
seguimiento-archivo = Archivo de la prueba
seguimiento-archivo-ayuda = Una foto, un audio, un video o un documento PDF, de hasta { $tamano }. Solo el personal de la Dirección General de Derechos Humanos podrá verlo.
seguimiento-archivo-otra-vez = Elija el archivo otra vez: no se guardó, porque la prueba no se agregó. Hasta { $tamano }.
seguimiento-archivo-grande = pesa más de { $tamano }, el máximo: elija un archivo más pequeño (por ejemplo, un video más corto)
seguimiento-archivo-recibido = Archivo recibido
seguimiento-archivo-tipo = Tipo
seguimiento-archivo-tipo-otro = Archivo
seguimiento-archivo-tamano = Tamaño
seguimiento-archivo-huella = Huella digital (SHA-256)
seguimiento-archivo-huella-ayuda = La huella identifica el archivo que usted envió. Si la anota, se podrá comprobar más adelante que el archivo de su solicitud es el mismo.
seguimiento-incidente-titulo = Informar un nuevo hecho
seguimiento-incidente-ayuda = Si después de presentar la solicitud volvieron a amenazarle, agredirle o vigilarle, cuéntelo aquí. La Dirección General de Derechos Humanos evaluará de nuevo el riesgo. Si su vida corre peligro ahora, llame al 105.
incidente-fecha = ¿Qué día ocurrió?
incidente-fecha-ayuda = Año, mes y día, por ejemplo 2026-12-10.
incidente-fecha-error = escriba el día como año-mes-día, por ejemplo 2026-12-10
incidente-relato = ¿Qué pasó?
seguimiento-incidente-enviar = Informar el hecho
seguimiento-incidente-enviado = El hecho quedó registrado. La Dirección General de Derechos Humanos evaluará de nuevo el riesgo.
seguimiento-retiro-titulo = Retirar el consentimiento
seguimiento-retiro-explica = Si la persona protegida ya no quiere protección, puede retirar su consentimiento. Se le pedirá confirmar.
seguimiento-retiro-empezar = Quiero retirar el consentimiento
seguimiento-retiro-confirmar-titulo = Confirme que retira el consentimiento
seguimiento-retiro-confirmar-explica = El personal será avisado y podrá levantar las medidas de protección. Si no está seguro, no confirme.
seguimiento-retiro-razon = Por qué retira el consentimiento
seguimiento-retiro-confirmar = Sí, retirar el consentimiento
seguimiento-retiro-cancelar = No, volver a mi solicitud
seguimiento-retiro-hecho = El consentimiento fue retirado. El personal será avisado.
seguimiento-al-terminar = Cuando termine, pulse «Salir rápido» o cierre esta pestaña.

## Qué significa cada estado, para quien pidió

estado-explica-RECEIVED = Su solicitud llegó. Pronto el personal empezará a revisarla.
estado-explica-UNDER_REVIEW = El personal está revisando si su solicitud cumple los requisitos.
estado-explica-INFORMATION_REQUESTED = Falta información. Responda la pregunta de abajo para que su solicitud siga adelante.
estado-explica-NOT_ADMITTED = Su solicitud no fue admitida. El personal le comunicará los motivos.
estado-explica-REFERRED = Su solicitud fue enviada a la entidad que puede atenderla.
estado-explica-ADMITTED = Su solicitud fue admitida. Ahora se evalúa el riesgo.
estado-explica-RISK_ASSESSED = El riesgo fue evaluado. Se prepara la decisión sobre las medidas de protección.
estado-explica-RESOLUTION_ISSUED = Se emitió la decisión. Las medidas se comunicarán a los ministerios encargados.
estado-explica-MEASURES_IN_IMPLEMENTATION = Los ministerios encargados están cumpliendo las medidas de protección.
estado-explica-FOLLOW_UP = Las medidas se cumplieron o cambiaron. El personal hace el seguimiento de su caso.
estado-explica-ARCHIVED = El caso fue archivado.
