# The staff console (Spanish only: the staff's working language).

consola-nombre = Resguardo · Consola del personal
consola-menu = Menú de la consola
consola-menu-casos = Casos
consola-menu-medidas = Medidas de mi sector
consola-menu-cuenta = Mi cuenta
consola-salir = Cerrar sesión
consola-volver-inicio = Volver a mi trabajo
consola-vivo-cambios = Hubo cambios desde que abrió esta página.
consola-vivo-recargar = Recargar para verlos
consola-origen = Este formulario no vino de su sesión en la consola. Vuelva a la página y repita el paso.
consola-sin-acceso-titulo = No tiene acceso a esta página
consola-sin-acceso = Su cuenta no puede ver esta página ni hacer este paso. Si lo necesita para su trabajo, pida a la administración que revise su rol.
consola-no-existe-titulo = No se encontró
consola-no-existe = No existe lo que busca, o ya no está disponible para su cuenta.
consola-espere-titulo = Espere un momento
consola-no-se-pudo-titulo = No se pudo hacer
consola-no-disponible-titulo = El servicio no responde
consola-paso-hecho = Listo: se registró «{ $paso }».

# Sign-in
consola-entrar-titulo = Iniciar sesión
consola-entrar-intro = Consola del personal de la Dirección General de Derechos Humanos y de los sectores. Si usted busca protección, vaya a la página de inicio.
consola-entrar-correo = Correo electrónico
consola-entrar-clave = Contraseña
consola-entrar-codigo = Código de verificación
consola-entrar-codigo-ayuda = Si su cuenta usa un segundo factor: las 6 cifras de su aplicación de autenticación, o uno de sus códigos de recuperación.
consola-entrar-boton = Iniciar sesión
consola-entrar-ayuda = ¿Olvidó su contraseña o perdió su segundo factor? Pida a la administración que la restablezca.
consola-entrar-incorrecto = El correo o la contraseña no son correctos. Tras varios intentos fallidos la cuenta se bloquea por un tiempo.
consola-entrar-falta-codigo = su cuenta pide el código de su aplicación: escriba otra vez la contraseña y el código
consola-entrar-codigo-incorrecto = el código no es correcto o ya se usó: escriba otra vez la contraseña y un código nuevo
consola-sesion-terminada = Su sesión terminó (tiempo sin uso, cierre de sesión o cambio en su cuenta). Inicie sesión otra vez.
consola-salio = Cerró su sesión.

# Account and second factor
consola-cuenta-titulo = Mi cuenta
consola-cuenta-nombre = Nombre
consola-cuenta-correo = Correo electrónico
consola-cuenta-rol = Rol
consola-cuenta-sector = Sector
consola-cuenta-segundo-factor = Segundo factor
consola-cuenta-segundo-factor-activo = Activo
consola-cuenta-segundo-factor-inactivo = No activado
consola-cuenta-segundo-factor-activar = Activarlo
consola-cuenta-segundo-factor-gestionar = Gestionarlo
consola-factor-titulo = Segundo factor
consola-factor-intro = Con un segundo factor, para entrar a su cuenta hace falta también un código de la aplicación de autenticación de su teléfono. Para empezar, escriba su contraseña.
consola-factor-empezar = Empezar
consola-factor-paso-escanear = Abra su aplicación de autenticación y lea este código QR (o escriba la clave que aparece debajo).
consola-factor-paso-codigo = Escriba el código de 6 cifras que muestra la aplicación.
consola-factor-qr = Código QR para la aplicación de autenticación
consola-factor-secreto = Clave para escribirla a mano:
consola-factor-codigo-ayuda = Las 6 cifras que muestra la aplicación ahora.
consola-factor-confirmar = Activar el segundo factor
consola-factor-activado = El segundo factor está activo.
consola-factor-codigos-titulo = Sus códigos de recuperación
consola-factor-codigos-intro = Cada código sirve una sola vez, si pierde el teléfono. Se muestran solo ahora: anótelos en papel y guárdelos en un lugar seguro, fuera de la computadora.
consola-factor-continuar = Ya los guardé: continuar
consola-factor-activo-intro = Su cuenta usa un segundo factor. Para desactivarlo, escriba su contraseña y un código de la aplicación (o uno de recuperación).
consola-factor-desactivar = Desactivar el segundo factor
consola-factor-desactivado = El segundo factor quedó desactivado.
consola-factor-clave-incorrecta = la contraseña no es correcta

# Queues
consola-colas-titulo = Casos
consola-colas-etiqueta = Colas de trabajo
consola-colas-atencion = requiere atención
cola-vencidas = Vencidos
cola-por-vencer = Vencen en 5 días hábiles
cola-nuevas = Nuevas sin asignar
cola-mias = Asignados a mí
cola-esperan = Esperan respuesta del solicitante
cola-urgentes = Vía urgente
cola-recientes = Con cambios en los últimos 3 días
consola-abrir-etiqueta = Abrir un expediente por su número
consola-abrir-boton = Abrir
consola-abrir-no-existe = no hay ningún caso con ese número de expediente
consola-filtros = Filtrar por departamento, vía, estado o sector
consola-filtro-departamento = Departamento
consola-filtro-via = Vía
consola-filtro-estado = Estado
consola-filtro-sector = Sector con medidas
consola-filtro-todos = Todos
consola-filtro-todas = Todas
consola-filtrar = Aplicar filtros
consola-quitar-filtros = Quitar filtros
consola-casos-cuenta = { $cantidad ->
    [one] 1 caso
   *[other] { $cantidad } casos
}
consola-cola-vacia = No hay casos en esta cola.
consola-col-expediente = Expediente
consola-col-plazo = Próximo plazo
consola-col-estado = Estado
consola-col-departamento = Departamento
consola-col-via = Vía
consola-col-responsable = Responsable
consola-col-recibida = Recibida
consola-sin-plazo = Ningún plazo en curso
consola-sin-asignar = Sin asignar
consola-via-sin-evaluar = Riesgo aún no evaluado
consola-paginas = Páginas
consola-primera-pagina = Primera página
consola-pagina-siguiente = Página siguiente

# Deadlines
plazo-en-plazo = En plazo:
plazo-por-vencer = Por vencer:
plazo-vencido-etiqueta = Vencido:
plazo-vence-en = { $dias ->
    [one] vence en 1 día hábil, el { $fecha }
   *[other] vence en { $dias } días hábiles, el { $fecha }
}
plazo-vence-hoy = vence hoy, { $fecha }
plazo-vencio = { $dias ->
    [0] venció el { $fecha }
    [one] venció hace 1 día hábil, el { $fecha }
   *[other] venció hace { $dias } días hábiles, el { $fecha }
}
plazo-suspendido = suspendido desde el { $fecha } mientras el solicitante responde
plazo-cumplido = cumplido el { $fecha }, a tiempo
plazo-cumplido-tarde = cumplido el { $fecha }, fuera de plazo
plazo-computo = { $dias } días hábiles contados desde el día siguiente al { $desde }, hasta el { $hasta }{ $suspendidos ->
    [0] {""}
   *[other] , más { $suspendidos } días hábiles de suspensión
}.
estado-plazo-LAPSED = venció sin respuesta
estado-plazo-CANCELLED = ya no corre
fecha-con-dia = { $dia_semana } { $dia } de { $mes }
fecha-con-dia-y-anio = { $dia_semana } { $dia } de { $mes } de { $anio }
dia-semana-1 = lunes
dia-semana-2 = martes
dia-semana-3 = miércoles
dia-semana-4 = jueves
dia-semana-5 = viernes
dia-semana-6 = sábado
dia-semana-7 = domingo

# The case page
consola-caso-titulo = Expediente { $expediente }
consola-caso-responsable = a cargo de { $nombre }
consola-caso-riesgo = riesgo { $nivel }
consola-caso-admitida = admitida el { $fecha }
consola-caso-provincia = provincia { $codigo }
consola-caso-plazos = Plazos
consola-plazo-por-que = Por qué vence ese día
consola-plazo-sin-saltos = Ningún día inhábil en el cómputo aparte de los fines de semana.
consola-caso-que-hacer = Qué puede hacer ahora
consola-caso-nada-que-hacer = En el estado actual no hay ningún paso que dar en el caso.
consola-caso-cambio = El caso cambió mientras usted tenía abierta esta página (otra persona dio un paso). No se registró nada: revise el caso como está ahora; lo que escribió sigue en el formulario.
consola-caso-medidas = Medidas
consola-caso-resolucion = Resolución { $numero }
consola-caso-sin-medidas = Aún no hay medidas otorgadas.
consola-caso-denuncias = Denuncias ante el Ministerio Público
consola-caso-sin-denuncias = No se ha registrado ninguna denuncia.
consola-denuncia-numero = Denuncia n.° { $numero }
consola-plan-objetivo = Objetivo del plan de protección:
consola-medida-verificada = verificada por la DGDH el { $fecha }
consola-denuncia-carpeta = carpeta { $carpeta }
consola-denuncia-presentada = presentada el { $fecha }
consola-medida-numero = Medida n.° { $numero }
consola-medida-sector = Sector: { $sector }
consola-medida-notificada = notificada el { $fecha }
consola-medida-prorrogada = prorrogada hasta el { $fecha }
consola-caso-solicitud = La solicitud
consola-caso-recibida = Recibida
consola-caso-lugar = Lugar
consola-caso-ubigeo = ubigeo { $ubigeo }
consola-caso-personas = Personas protegidas
consola-caso-categoria = Labor de defensa
consola-caso-agresiones = Agresiones y presunto agresor
consola-caso-lengua = Lengua
consola-caso-interprete = necesita intérprete
consola-caso-consentimiento = Consentimiento
consola-caso-consentimiento-retirado = retirado el { $fecha }
consola-caso-contacto = Cómo contactar
consola-caso-tercero = Presentada por
consola-caso-pedidas = Medidas pedidas
consola-caso-hechos = Lo que pasó
consola-caso-pruebas = Pruebas
consola-caso-archivos = Archivos de prueba
consola-caso-sin-archivos = Aún no se recibió ningún archivo de prueba.
consola-prueba-numero = N.°
consola-prueba-tipo = Tipo
consola-prueba-tamano = Tamaño
consola-prueba-cuando = Recibido (hora de Lima)
consola-prueba-quien = Enviado por
consola-prueba-nombre = Nombre con que se envió
consola-prueba-sin-nombre = Sin nombre
consola-prueba-huella = Huella SHA-256
consola-prueba-archivo = Archivo
consola-prueba-descargar = Descargar la n.° { $numero }
consola-prueba-recibida = { $fecha }, { $hora }
consola-caso-historia = Historia del expediente
consola-caso-envios = Correos enviados
consola-caso-sin-envios = Aún no se envió ningún correo sobre este caso.
consola-envio-cuando = Cuándo
consola-envio-a = A quién
consola-envio-que = Qué
consola-envio-estado = Estado
consola-envio-intentos = Intentos
envio-solicitante = La persona solicitante
envio-personal = Personal (otra cuenta)
envio-tipo-NOTICE = Aviso
envio-tipo-REMINDER = Recordatorio
envio-tipo-CANCEL = Anulación
envio-tema-NEW_REQUEST = Nueva solicitud
envio-tema-ASSIGNED = Caso asignado
envio-tema-INFORMATION_REQUESTED = Información solicitada
envio-tema-INFORMATION_RECEIVED = Información recibida
envio-tema-EVIDENCE_ADDED = Nueva prueba
envio-tema-CONSENT_WITHDRAWN = Consentimiento retirado
envio-tema-STATUS_CHANGED = Cambio de estado
envio-tema-MEASURE_NOTIFIED = Medida notificada
envio-tema-MEASURE_PROGRESS_REPORTED = Avance de una medida
envio-tema-MEASURE_IMPLEMENTED = Medida implementada
envio-tema-MEASURE_NOT_FEASIBLE = Medida no viable
envio-tema-MEASURE_LIFTED = Medida levantada
envio-tema-DEADLINE_MOVED = Plazo recalculado
envio-estado-PENDING = Pendiente
envio-estado-SENT = Enviado
envio-estado-CANCELLED = Anulado
envio-estado-EXPIRED = Caducado
envio-estado-DEAD = No se pudo entregar
consentimiento-GIVEN = Dado
consentimiento-REFUSED = Negado
consentimiento-UNABLE = La persona no puede darlo

# The steps
paso-de-medida = { $paso }: medida n.° { $numero }
paso-de-medida-de-caso = { $paso }: medida n.° { $numero } de { $expediente }
paso-asignar = Asignar el caso
paso-asignar-boton = Asignar
paso-iniciar-calificacion = Empezar la calificación
paso-iniciar-calificacion-boton = Empezar la calificación
paso-calificar = Calificar la solicitud (admisibilidad)
paso-calificar-boton = Registrar la calificación
paso-pedir-informacion = Pedir información al solicitante
paso-pedir-informacion-boton = Enviar la pregunta
paso-cerrar-plazo-respuesta = Cerrar el plazo de respuesta sin respuesta
paso-cerrar-plazo-respuesta-boton = Cerrar el plazo
paso-evaluar-riesgo = Evaluar el riesgo
paso-evaluar-riesgo-boton = Registrar la evaluación
paso-resolver = Emitir la resolución
paso-resolver-boton = Emitir la resolución
paso-notificar = Notificar la medida al sector
paso-notificar-boton = Notificar al sector
paso-modificar = Modificar la medida
paso-modificar-boton = Modificar
paso-prorrogar = Prorrogar la medida
paso-prorrogar-boton = Prorrogar
paso-renovar = Renovar la medida
paso-renovar-boton = Renovar
paso-registrar-incidente = Registrar un nuevo hecho
paso-registrar-incidente-boton = Registrar el hecho
paso-verificar = Verificar la implementación
paso-verificar-boton = Registrar la verificación
paso-objetivo-plan = Fijar el objetivo del plan de protección
paso-objetivo-plan-boton = Guardar el objetivo
paso-registrar-denuncia = Registrar una denuncia ante el Ministerio Público
paso-registrar-denuncia-boton = Registrar la denuncia
paso-actualizar-denuncia = Actualizar el estado de una denuncia
paso-actualizar-denuncia-boton = Actualizar la denuncia
paso-levantar = Levantar la medida
paso-levantar-boton = Levantar la medida
paso-archivar = Archivar el caso
paso-archivar-boton = Archivar
paso-adjuntar-prueba = Adjuntar un archivo de prueba
paso-adjuntar-prueba-boton = Adjuntar el archivo
paso-acusar-recibo = Acusar recibo
paso-acusar-recibo-boton = Acusar recibo
paso-informar-avance = Informar el avance
paso-informar-avance-boton = Enviar el informe de avance
paso-informar-implementada = Informar que la medida se implementó
paso-informar-implementada-boton = Informar implementación
paso-informar-no-viable = Informar que la medida no es viable
paso-informar-no-viable-boton = Informar que no es viable
campo-informar-avance = Qué se hizo hasta ahora
campo-informar-implementada = Cómo se implementó
campo-informar-no-viable = Por qué no es viable
campo-responsable = Especialista a cargo
campo-pregunta = Qué necesita saber
campo-pregunta-ayuda = La persona lo lee en su página de seguimiento. Escriba con palabras sencillas, sin siglas.
campo-via = Vía
campo-nivel-riesgo = Nivel de riesgo
campo-analisis-riesgo = Análisis del riesgo
campo-criterio-cumple = ¿Se cumple?
campo-criterio-nota = Nota
campo-criterio-nota-ayuda = Obligatoria si no se cumple.
opcion-si = Sí
opcion-no = No
grupo-decision = Decisión
campo-resultado = Resultado
resultado-ADMIT = Admitir
resultado-NOT_ADMIT = No admitir
resultado-REFER = Derivar a otra entidad
campo-motivo-excepcion = Motivo para admitir aunque falle un criterio
campo-motivo-excepcion-ayuda = Solo si admite con algún criterio no cumplido.
campo-fundamentos = Fundamentos
campo-derivada-a = Entidad a la que se deriva
campo-derivada-a-ayuda = Solo si deriva: por ejemplo, la Defensoría del Pueblo o la fiscalía.
grupo-acto = El acto
campo-acto-numero = Número del acto
campo-acto-numero-ayuda = Por ejemplo: RD N.° 051-2026-JUS/DGDH
campo-acto-fecha = Fecha del acto
campo-fecha-ayuda = Año, mes y día: 2026-12-10
grupo-medida-otorgada = Medida otorgada { $numero }
grupo-medida-otorgada-ayuda = Deje vacías las filas que no use.
campo-tipo-medida = Tipo de medida
ninguna = Ninguna
campo-sector = Sector que la ejecuta
campo-sector-ayuda = Si es otro que el del tipo de medida.
sector-del-tipo = El del tipo de medida
campo-detalle-medida = Detalle
grupo-medida-denegada = Medida denegada { $numero }
campo-medida-denegada = Qué se deniega
campo-motivo-denegacion = Por qué
campo-que-cambia = Qué se hará ahora
campo-prorroga-hasta = En vigor hasta
campo-motivo-levantamiento = Por qué se levanta
campo-motivo-archivo = Motivo
campo-motivo-archivo-ayuda = Por cese del riesgo: antes, una evaluación del riesgo hecha desde la resolución. Por conclusión: ninguna medida vigente. Por retiro del consentimiento: que se haya registrado. Persona no ubicable o derivado: explique en la nota cómo se la buscó o a qué entidad se derivó.
campo-verificacion = ¿Está implementada como informó el sector?
verificacion-si = Sí, verificada
verificacion-no = No, vuelve al sector
campo-verificacion-nota = Cómo se verificó y qué se encontró
campo-verificacion-nota-ayuda = Por ejemplo: llamada a la persona protegida, visita, acta policial. Se guarda cifrado.
campo-objetivo-plan = Objetivo del plan
campo-objetivo-plan-ayuda = Para qué son, juntas, las medidas otorgadas. Se guarda cifrado.
campo-denuncia-fecha = Día en que se presentó
campo-denuncia-fiscalia = Fiscalía
campo-denuncia-carpeta = Número de carpeta fiscal
campo-denuncia = Denuncia
campo-denuncia-estado = Nuevo estado
campo-denuncia-estado-fecha = Día en que llegó a ese estado
campo-denuncia-nota = Qué dispuso la fiscalía o el juzgado
denuncia-opcion = Denuncia n.° { $numero } (carpeta { $carpeta })
campo-incidente-fecha = Día en que ocurrió
campo-incidente-relato = Qué pasó
campo-incidente-relato-ayuda = Se guarda cifrado. Abre el plazo de reevaluación del riesgo, más corto si la vía es urgente o hubo agresión física o atentado contra la vida.
campo-incidente-agresiones = Tipos de agresión
campo-incidente-agresiones-ayuda = Marque todos los que correspondan.
campo-incidente-agresor = Presunto agresor
campo-nota = Nota
error-fecha = escriba la fecha como año-mes-día, por ejemplo 2026-12-10
campo-prueba-descripcion = Qué muestra el archivo
campo-prueba-descripcion-ayuda = Se agrega a las pruebas de la solicitud, junto con el archivo.
campo-prueba-referencia = De dónde viene o quién lo entregó
campo-archivo = Archivo
campo-archivo-ayuda = Una imagen, un audio, un video o un PDF, de hasta { $tamano }. El tipo se comprueba por el contenido, no por el nombre.
campo-archivo-otra-vez = Elija el archivo otra vez: no se guardó, porque el paso no se registró. Hasta { $tamano }.
error-elija-archivo = elija el archivo
error-archivo-grande = pesa más de { $tamano }, el máximo: elija un archivo más pequeño

# The coordinator's desk
consola-medidas-titulo = Medidas de mi sector
consola-medidas-intro = Las medidas que su sector debe ejecutar, la más urgente primero. Solo ve los datos del caso que necesita para ejecutarlas.
consola-medidas-cuenta = { $cantidad ->
    [one] 1 medida
   *[other] { $cantidad } medidas
}
consola-medidas-vacia = Su sector no tiene medidas por ahora.

# The auditor's view
consola-menu-auditoria = Registro de auditoría
auditoria-titulo = Registro de auditoría
auditoria-intro = Cada cambio, cada lectura de datos sensibles y cada intento no permitido, en el orden en que se registraron. Las entradas están encadenadas: ninguna puede borrarse ni cambiarse sin que la verificación lo detecte.
auditoria-verificar = Verificar la cadena ahora
auditoria-verificar-ayuda = Recalcula todas las entradas; en un registro grande tarda unos segundos.
auditoria-cadena-integra = La cadena está íntegra: { $entradas } entradas verificadas. Anote esta ancla fuera del sistema para verificaciones futuras: { $ancla }
auditoria-cadena-rota = La cadena se rompe en la entrada { $entrada }: { $motivo }. Entradas verificadas antes de ella: { $entradas }.
auditoria-filtros = Filtrar
auditoria-desde = Desde el día
auditoria-hasta = Hasta el día
auditoria-caso = Caso (identificador)
auditoria-cuenta-id = Cuenta (identificador)
auditoria-id-ayuda = El identificador que muestra la tabla, por ejemplo 3f1c…-…
auditoria-cuenta = { $cantidad ->
    [one] 1 entrada
   *[other] { $cantidad } entradas
}
auditoria-vacia = Ninguna entrada con estos filtros.
auditoria-casos-leidos = { $cantidad ->
    [one] 1 caso
   *[other] { $cantidad } casos leídos a la vez
}
auditoria-col-numero = N.°
auditoria-col-cuando = Cuándo (hora de Lima)
auditoria-col-quien = Quién
auditoria-col-que = Qué
auditoria-col-caso = Caso
auditoria-col-campos = Campos leídos u operación
auditoria-col-solicitud = Solicitud HTTP
error-identificador = no es un identificador: cópielo de la tabla

# The registry and compliance
consola-menu-registro = Registro y cumplimiento
registro-titulo = Registro y cumplimiento
registro-intro = El registro de situaciones de riesgo del periodo, con sus gráficos y cuadros, y cómo se cumplen los plazos. Las cifras pequeñas se ocultan como lo indica la política del registro.
registro-filtros = Periodo y filtros
registro-desde = Desde el día
registro-hasta = Hasta el día
registro-periodo = Solicitudes recibidas del { $desde } al { $hasta }
registro-umbral = Las cifras de 1 a { $umbral } se muestran como «< { $umbral }» para que nadie pueda ser identificado.
registro-recibidas = Recibidas
registro-admitidas = Admitidas
registro-activadas = Con medidas activadas
registro-no-admitidas = No admitidas
registro-derivadas = Derivadas
registro-pendientes = En trámite
registro-embudo = De la solicitud a la protección: recibidas, admitidas y con medidas activadas
registro-cumplimiento = Cumplimiento de los plazos en el periodo
registro-plazo = Plazo
registro-a-tiempo = Cumplidos a tiempo
registro-tarde = Cumplidos tarde
registro-tasa = A tiempo
registro-vencidos-hoy = Vencidos hoy
registro-vencidos = { $cantidad ->
    [one] 1 plazo vencido ahora
   *[other] { $cantidad } plazos vencidos ahora
}
registro-sin-vencidos = Ningún plazo vencido.
registro-descargar-csv = Descargar las cifras (CSV)
registro-descargar-casos = Descargar los casos anonimizados (CSV)
registro-grupo = Grupo
registro-que = Qué

# The calendar
consola-menu-calendario = Calendario
calendario-titulo = Calendario de días hábiles
calendario-intro = Todos los plazos se cuentan en días hábiles con este calendario (versión { $version }). Un cambio recalcula los plazos en curso que toca y avisa a sus responsables; antes de guardarlo se muestra su efecto.
calendario-anadir-dia = Añadir un día no laborable
calendario-anadir-suspension = Añadir un periodo de suspensión de plazos
calendario-revisar = Ver el efecto en los plazos
calendario-revisar-dia = Revise el efecto del nuevo día no laborable
calendario-revisar-suspension = Revise el efecto del periodo de suspensión
calendario-revisar-quitar-dia = Revise el efecto de quitar el día no laborable
calendario-revisar-quitar-suspension = Revise el efecto de quitar el periodo de suspensión
calendario-efecto-previsto = Si se guarda, se recalcularán los plazos de { $casos ->
    [one] 1 caso
   *[other] { $casos } casos
} y { $plazos ->
    [one] 1 plazo cambiará de fecha
   *[other] { $plazos } plazos cambiarán de fecha
}. Aún no se guardó nada.
calendario-efecto-hecho = Guardado: se recalcularon los plazos de { $casos ->
    [one] 1 caso
   *[other] { $casos } casos
} y { $plazos ->
    [one] 1 plazo cambió de fecha
   *[other] { $plazos } plazos cambiaron de fecha
}; se avisó a sus responsables.
calendario-efecto-pendiente = Guardado. El recálculo de los plazos se interrumpió: el sistema lo terminará en unos minutos. Mientras tanto, cada plazo se muestra con la fecha del nuevo calendario.
calendario-guardar = Guardar el cambio
calendario-cancelar = No guardar
calendario-dia = Día
calendario-primer-dia = Primer día
calendario-ultimo-dia = Último día
calendario-departamento = Departamento
calendario-departamento-ayuda = Solo si rige en un departamento; si no, en todo el país.
calendario-todo-el-pais = Todo el país
calendario-base-legal = Base legal
calendario-base-legal-ayuda = La norma que lo dispone, por ejemplo DS 042-2025-PCM.
calendario-fuente = Dónde se publicó
calendario-dias = Días no laborables decretados
calendario-suspensiones = Periodos de suspensión de plazos
calendario-ninguno = Ninguno.
calendario-cuando = Cuándo
calendario-donde = Dónde
calendario-acciones = Acciones
calendario-quitar = Quitar el { $cuando }
calendario-feriados = Feriados de cada año
calendario-feriado = Feriado
calendario-fecha = Fecha
calendario-pascua = { $dias } días desde el domingo de Pascua

# Accounts
consola-menu-cuentas = Cuentas
cuentas-titulo = Cuentas del personal
cuentas-intro = Quién puede entrar a la consola y con qué rol. Desactivar una cuenta, o cambiar su rol, su sector o su contraseña, cierra sus sesiones abiertas al instante.
cuentas-cuenta = { $cantidad ->
    [one] 1 cuenta
   *[other] { $cantidad } cuentas
}
cuentas-nueva = Crear una cuenta
cuentas-crear = Crear la cuenta
cuentas-creada = Se creó la cuenta. Dé a la persona su contraseña inicial por un medio seguro.
cuentas-cambiada = Se guardaron los cambios de la cuenta.
cuentas-cambios = Cambiar una cuenta
cuentas-guardar = Guardar los cambios de { $nombre }
cuentas-sector-ayuda = Solo para la coordinación de un sector.
cuentas-sin-sector = Ninguno
cuentas-sin-cambio = Sin cambio
cuentas-coordinacion-principal = Coordinación principal del sector (recibe los avisos de medidas vencidas)
cuentas-principal = principal
cuentas-clave-inicial = Contraseña inicial
cuentas-clave-ayuda = Al menos { $minimo } caracteres. La persona puede cambiarla después.
cuentas-clave-nueva = Nueva contraseña
cuentas-clave-nueva-ayuda = Déjela vacía para no cambiarla.
cuentas-estado = Estado
cuentas-activa = Activa
cuentas-desactivada = Desactivada
cuentas-restablecer-factor = Restablecer el segundo factor
cuentas-restablecer-factor-ayuda = Si la persona perdió su teléfono: al entrar deberá configurarlo otra vez.

# Saving an administration form
consola-guardar = Guardar
consola-guardado = Guardado.

# Sectors and the catalogue of measures
consola-menu-catalogos = Sectores y medidas
catalogos-titulo = Sectores y catálogo de medidas
catalogos-intro = Los sectores que ejecutan medidas, con su coordinación, y las medidas que una resolución puede otorgar. Lo que se desactiva sigue en los casos que ya lo nombran, pero no se ofrece más.
catalogos-sectores = Sectores
catalogos-medidas = Catálogo de medidas
catalogos-nombre = Nombre
catalogos-nombre-ayuda = En castellano, como lo leerán las personas.
catalogos-codigo = Código
catalogos-codigo-ayuda = De 2 a 40 letras mayúsculas, cifras o guiones bajos (MININTER). Un código existente cambia ese sector.
catalogos-codigo-medida-ayuda = De 2 a 40 letras mayúsculas, cifras o guiones bajos (POLICE_PROTECTION). Un código existente cambia esa medida.
catalogos-coordinacion = Coordinación
catalogos-sin-coordinacion = Sin coordinación activa
catalogos-estado = Estado
catalogos-activo = Activo
catalogos-inactivo = Desactivado
catalogos-activa = Activa
catalogos-inactiva = Desactivada
catalogos-cambiar = Cambiar
catalogos-sector-form = Crear o cambiar un sector
catalogos-sector-activo = Desmarcado: no recibe medidas nuevas ni cuentas de coordinación.
catalogos-medida-form = Crear o cambiar una medida
catalogos-medida-activa = Desmarcado: las solicitudes ya no pueden pedirla ni las resoluciones otorgarla.
catalogos-tipo = Tipo
catalogos-tipo-proteccion = Medida de protección
catalogos-tipo-urgente = Medida urgente
catalogos-tipo-transversal = Medida transversal
catalogos-sector-habitual = Sector que la ejecuta
catalogos-sector-habitual-ayuda = El que la recibe cuando la resolución no nombra otro.

# Deadline rules and reminder policies
consola-menu-reglas = Plazos y avisos
reglas-titulo = Plazos y avisos
reglas-intro = Cuánto dura cada plazo y desde qué hecho se cuenta, y cuándo se avisa por correo a quien debe cumplirlo. Un cambio vale para los plazos que se fijen desde ese momento; los que ya corren no cambian.
reglas-plazos = Duración de los plazos
reglas-avisos = Avisos por correo
reglas-tipo = Plazo
reglas-via = Vía
reglas-via-ayuda = Vacío: ambas vías, salvo que una tenga su propia regla.
reglas-ambas-vias = Ambas vías
reglas-tipo-medida = Tipo de medida
reglas-tipo-medida-ayuda = Solo para la revisión de las medidas: un tipo con su propio plazo (por ejemplo, la protección policial). Vacío: todos los tipos sin regla propia.
reglas-todos-los-tipos = Todos los tipos
reglas-duracion = Días hábiles
reglas-columna-duracion = Duración
reglas-duracion-ayuda = De 1 a 365, contados desde el día hábil siguiente al hecho de inicio.
reglas-dias-habiles = { $dias ->
    [one] 1 día hábil
   *[other] { $dias } días hábiles
}
reglas-inicio = Se cuenta desde
reglas-inicio-ayuda = La decisión se cuenta desde la recepción, la admisión o la evaluación del riesgo; la respuesta, desde la solicitud de información; las medidas, desde su notificación.
reglas-error-dias = escriba un número entero de días
reglas-regla-form = Cambiar la duración de un plazo
reglas-avisos-form = Avisos de la vía { $via }
reglas-antes = Días hábiles antes del vencimiento
reglas-antes-ayuda = Separados por comas, por ejemplo 5, 2, 0 (0 es el mismo día del vencimiento).
reglas-error-antes = escriba números enteros separados por comas
reglas-vencidos = Avisar y escalar cada día hábil mientras esté vencido
reglas-vencidos-si = Sí
reglas-vencidos-no = No
reglas-hora = Hora de envío
reglas-hora-ayuda = HH:MM, hora de Lima.

# Coordination meetings
consola-menu-reuniones = Reuniones de coordinación
reuniones-titulo = Reuniones de coordinación intersectorial
reuniones-intro = Las reuniones de coordinación con los sectores, la más reciente primero, con los casos tratados y los acuerdos: cada acuerdo corre como un plazo del sector responsable, que recibe recordatorios hasta informar que lo cumplió.
reuniones-intro-sector = Las reuniones a las que asistió su sector, con los acuerdos que le corresponden. Informe cada acuerdo cuando esté cumplido: hasta entonces, su plazo corre y se le recuerda.
reuniones-cuenta = { $cantidad ->
    [one] 1 reunión
   *[other] { $cantidad } reuniones
}
reuniones-vacia = Aún no hay reuniones registradas.
reuniones-reunion-del = Reunión del { $fecha }
reuniones-sectores = Sectores presentes
reuniones-otras-entidades = Otras entidades presentes
reuniones-otras-entidades-ayuda = Defensoría del Pueblo, Fiscalía, gobierno regional, organizaciones… Se guarda cifrado.
reuniones-casos-tratados = { $cantidad ->
    [one] 1 caso tratado
   *[other] { $cantidad } casos tratados
}
reuniones-casos = Otros expedientes tratados
reuniones-casos-ayuda = Los expedientes tratados sin acuerdo, uno por línea (AT-2026-000123). Los de los acuerdos se cuentan solos.
reuniones-acuerdo-de = Acuerdo n.° { $numero } del expediente { $expediente }
reuniones-acuerdo-n = Acuerdo { $numero }
reuniones-expediente = Expediente
reuniones-expediente-ayuda = Por ejemplo AT-2026-000123. Deje la fila vacía si no hay más acuerdos.
reuniones-sector-responsable = Sector responsable
reuniones-acuerdo-texto = Qué se acordó
reuniones-plazo = Plazo en días hábiles
reuniones-plazo-ayuda = Contados desde el día de la reunión. Si lo deja vacío, rige la regla del plazo de acuerdos (15 días hábiles, salvo que se haya cambiado).
reuniones-fecha = Fecha de la reunión
reuniones-grupo-reunion = La reunión
reuniones-registrar = Registrar una reunión
reuniones-registrada = Listo: se registró la reunión y se avisó a los sectores responsables.
reuniones-informe = Qué se hizo
reuniones-informe-ayuda = Se guarda cifrado y lo ve la Dirección General de Derechos Humanos.
reuniones-informe-dado = Informe del sector: { $informe }
reuniones-informar-cumplido = Informar que se cumplió
reuniones-cumplido-informado = Listo: se informó el cumplimiento del acuerdo.
reuniones-cumplido = Cumplido el { $fecha }
reuniones-cumplido-tarde = Cumplido con retraso el { $fecha }
reuniones-sin-plazo = Sin plazo
reuniones-expediente-desconocido = no existe un expediente con ese número
reuniones-expedientes-desconocidos = { $cantidad ->
    [one] uno de los expedientes no existe: revise los números
   *[other] { $cantidad } de los expedientes no existen: revise los números
}
reuniones-demasiados-casos = escriba a lo más 20 expedientes
consola-caso-acuerdos = Acuerdos de coordinación
consola-caso-sin-acuerdos = Ninguna reunión de coordinación tomó acuerdos sobre este caso.
consola-caso-ver-reuniones = Ver las reuniones de coordinación
consola-acuerdo-numero = Acuerdo n.° { $numero }
consola-acuerdo-reunion = Reunión del { $fecha }
